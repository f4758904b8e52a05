import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DomainError, notFound } from '../../core/errors';
import { environmentResource, formatResource, serviceTokenResource } from '../../core/policy';
import { parseRelayScope, type RelayGrant, type RelayScope } from '../../core/relay/relay-scope';
import { ClockService } from '../../infra/clock/clock.service';
import { RedisService } from '../../infra/redis/redis.service';
import { RelayCredentialVerifier } from '../relay/relay-credential-verifier';
import { hashSecret, newTokenSecret, secretHint } from '../accounts/token-secret';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { ProjectsService } from '../projects/projects.service';
import { relayCredentialsChannel } from './relay-credential-notices';
import { RelayCredentialsRepository, type RelayCredentialRecord } from './relay-credentials.repository';

/** Relay credentials are recognisable in logs and secret scanners. */
export const RELAY_TOKEN_PREFIX = 'grl_';

/** A verified credential is trusted this long before it is read again (revocation also ends it at once). */
const VERIFIED_TTL_MS = 30_000;
/** lastUsedAt is written at most this often per credential. */
const TOUCH_EVERY_MS = 60_000;

export const relayCredentialView = (r: RelayCredentialRecord) => ({
  id: r.id,
  name: r.name,
  hint: r.hint,
  scope: r.scope,
  createdAt: r.createdAt.toISOString(),
  expiresAt: r.expiresAt?.toISOString() ?? null,
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  revokedAt: r.revokedAt?.toISOString() ?? null,
});

/**
 * Relay credentials, which edge nodes present to their upstream. Issuing one reveals what SDK keys
 * reveal (every flag and segment of its environments), so it needs `viewSdkKey` on each environment
 * in its scope, besides `manageTokens` on service tokens; the secret is shown once and stored hashed.
 * Revoking one ends the feeds it holds on every node (through Redis, and at the next check otherwise).
 */
@Injectable()
export class RelayCredentialsService extends RelayCredentialVerifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('relay-credentials');
  private readonly verified = new Map<string, { credential: RelayGrant; at: number }>();
  private readonly touched = new Map<string, number>();
  private readonly revokedListeners: ((id: string) => void)[] = [];
  private subscriber?: Redis;

  constructor(
    private readonly repo: RelayCredentialsRepository,
    private readonly projects: ProjectsService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly clock: ClockService,
    private readonly redis: RedisService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.subscriber = this.redis.subscriber('relay-credentials');
    this.subscriber.on('error', (e) => this.logger.warn(`redis subscriber: ${e.message}`));
    this.subscriber.on('message', (_channel, id) => this.forget(id));
    this.subscriber
      .subscribe(relayCredentialsChannel(this.redis.prefix))
      .catch((e: Error) => this.logger.warn(`subscribe: ${e.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /** Called with a credential's id when it is revoked (on any node). */
  onRevoked(listener: (id: string) => void): void {
    this.revokedListeners.push(listener);
  }

  async list(actor: Actor) {
    this.authz.assert(actor, 'manageTokens', serviceTokenResource('*'));
    return { items: (await this.repo.list()).map(relayCredentialView) };
  }

  async get(actor: Actor, id: string) {
    this.authz.assert(actor, 'manageTokens', serviceTokenResource('*'));
    const r = await this.repo.find(id);
    if (!r) throw notFound('relay_credential', id);
    return relayCredentialView(r);
  }

  /** Issues a credential; the secret is in this response and nowhere else. */
  async create(actor: Actor, body: { name?: unknown; scope?: unknown; expiresAt?: unknown }) {
    this.authz.assert(actor, 'manageTokens', serviceTokenResource('*'));
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    const errors: string[] = [];
    if (!name || name.length > 200) errors.push('name must be 1 to 200 characters');
    const expiresAt =
      body.expiresAt === undefined || body.expiresAt === null
        ? null
        : new Date(typeof body.expiresAt === 'string' ? body.expiresAt : NaN);
    if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt <= this.clock.now()))
      errors.push('expiresAt must be a time in the future');
    const parsed = parseRelayScope(body.scope);
    if (!parsed.ok) errors.push(...parsed.errors);
    if (errors.length || !parsed.ok)
      throw new DomainError(
        'relay_credential/invalid',
        errors.join('; '),
        errors.map((reason) => ({ reason })),
      );
    await this.authorizeScope(actor, parsed.scope);
    const secret = newTokenSecret(RELAY_TOKEN_PREFIX);
    return this.repo.transaction(async (tx) => {
      const row = await this.repo.create(tx, {
        name,
        hash: hashSecret(secret),
        hint: secretHint(secret),
        scope: parsed.scope,
        createdById: actor.memberId ?? actor.id,
        expiresAt,
      });
      await this.audit.record(tx, actor, {
        action: 'createRelayCredential',
        resource: formatResource(serviceTokenResource(row.id)),
        after: relayCredentialView(row),
      });
      return { ...relayCredentialView(row), token: secret };
    });
  }

  async revoke(actor: Actor, id: string) {
    this.authz.assert(actor, 'manageTokens', serviceTokenResource('*'));
    const after = await this.repo.transaction(async (tx) => {
      const r = await this.repo.find(id, tx);
      if (!r) throw notFound('relay_credential', id);
      if (r.revokedAt) return r;
      const revoked = await this.repo.revoke(tx, id, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'revokeRelayCredential',
        resource: formatResource(serviceTokenResource(id)),
        before: relayCredentialView(r),
        after: relayCredentialView(revoked),
      });
      return revoked;
    });
    this.forget(id);
    await this.redis.client.publish(relayCredentialsChannel(this.redis.prefix), id).catch(() => undefined);
    return relayCredentialView(after);
  }

  /** The credential a secret opens, or null (unknown, revoked or expired). */
  async verify(secret: string): Promise<RelayGrant | null> {
    if (!secret.startsWith(RELAY_TOKEN_PREFIX)) return null;
    const hash = hashSecret(secret);
    const now = Date.now();
    const cached = this.verified.get(hash);
    if (cached && now - cached.at < VERIFIED_TTL_MS) return cached.credential;
    const r = await this.repo.findByHash(hash);
    if (!r || r.revokedAt || (r.expiresAt && r.expiresAt.getTime() <= now)) {
      this.verified.delete(hash);
      return null;
    }
    const credential = { id: r.id, name: r.name, scope: r.scope };
    this.verified.set(hash, { credential, at: now });
    if (now - (this.touched.get(r.id) ?? 0) > TOUCH_EVERY_MS) {
      this.touched.set(r.id, now);
      void this.repo.touch(r.id, new Date(now)).catch(() => undefined);
    }
    return credential;
  }

  /** Each environment the scope names (or every environment of a `*` project) must be one whose SDK key the issuer may see. */
  private async authorizeScope(actor: Actor, scope: RelayScope): Promise<void> {
    for (const entry of scope) {
      const project = await this.projects.require(actor, entry.project);
      const all = entry.environments[0] === '*';
      for (const key of all ? [] : entry.environments) this.projects.requireEnvironment(project, key);
      for (const env of project.environments)
        if (all || entry.environments.includes(env.key))
          this.authz.assert(actor, 'viewSdkKey', environmentResource(project, env));
    }
  }

  private forget(id: string): void {
    for (const [hash, v] of this.verified) if (v.credential.id === id) this.verified.delete(hash);
    for (const l of this.revokedListeners) l(id);
  }
}
