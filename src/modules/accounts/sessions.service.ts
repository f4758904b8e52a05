import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { ClockService } from '../../infra/clock/clock.service';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { MetricsService } from '../../infra/metrics/metrics.service';
import type { SessionRecord } from './account-records';
import { csrfTokenOf, SESSION_COOKIE, SESSION_SECRET_PREFIX, serializeCookie } from './session-cookie';
import { SessionsRepository } from './sessions.repository';
import { hashSecret, newTokenSecret } from './token-secret';

/** lastSeenAt drives the idle timeout; a minute's precision is plenty. */
const TOUCH_INTERVAL_MS = 60_000;

export type SignInMethod = 'token' | 'oidc';

export interface StartedSession {
  secret: string;
  csrfToken: string;
  expiresAt: Date;
  /** The Set-Cookie header value that hands the secret to the browser. */
  cookie: string;
}

/**
 * Server-side browser sessions: a random secret in an HttpOnly cookie, its hash in PostgreSQL.
 * A session ends at its TTL, after an idle period, on sign-out, when its member is deactivated
 * (revoked with their tokens) or removed (deleted with them). Every request reads the row, so a
 * revocation takes effect at once on every node.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');

  constructor(
    private readonly repo: SessionsRepository,
    private readonly clock: ClockService,
    private readonly metrics: MetricsService,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {}

  async start(memberId: string, method: SignInMethod, userAgent: string | undefined): Promise<StartedSession> {
    const secret = newTokenSecret(SESSION_SECRET_PREFIX);
    const ttlSeconds = this.config.identity.sessionTtlHours * 3600;
    const expiresAt = new Date(this.clock.now().getTime() + ttlSeconds * 1000);
    const session = await this.repo.create({
      hash: hashSecret(secret),
      memberId,
      method,
      userAgent: (userAgent ?? '').slice(0, 300),
      expiresAt,
    });
    this.metrics.sessionsStarted.inc({ method });
    this.logger.log({ msg: 'session started', sessionId: session.id, memberId, method });
    return { secret, csrfToken: csrfTokenOf(secret), expiresAt, cookie: this.cookie(secret, ttlSeconds) };
  }

  /** The live session a cookie secret names, or a 401 saying it is not one. */
  async resolve(secret: string): Promise<SessionRecord> {
    const session = await this.repo.findByHash(hashSecret(secret));
    const now = this.clock.now();
    const idleMs = this.config.identity.sessionIdleMinutes * 60_000;
    const reason = !session
      ? 'unknown'
      : session.revokedAt
        ? 'revoked'
        : session.expiresAt <= now
          ? 'expired'
          : now.getTime() - session.lastSeenAt.getTime() > idleMs
            ? 'idle'
            : undefined;
    if (!session || reason) {
      this.metrics.authFailures.inc({ reason: `session_${reason}` });
      throw new DomainError(
        'auth/session_invalid',
        `the session is ${reason === 'unknown' ? 'not valid' : reason}; sign in again`,
      );
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) void this.repo.touch(session.id, now);
    return session;
  }

  async end(session: SessionRecord): Promise<void> {
    await this.repo.revoke(session.id, this.clock.now());
    this.logger.log({ msg: 'session ended', sessionId: session.id, memberId: session.memberId });
  }

  /** A Set-Cookie value that removes the session cookie. */
  clearedCookie(): string {
    return this.cookie('', 0);
  }

  private cookie(secret: string, maxAge: number): string {
    return serializeCookie(SESSION_COOKIE, secret, {
      secure: this.config.identity.publicUrl.startsWith('https:'),
      maxAge,
    });
  }
}
