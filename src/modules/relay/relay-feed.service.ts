import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { DomainError } from '../../core/errors';
import {
  FEED_HEARTBEAT_MS,
  type FeedChange,
  type FeedEnvironmentMeta,
  type FeedTraceContext,
} from '../../core/relay/feed-protocol';
import { scopeAllows, type RelayGrant } from '../../core/relay/relay-scope';
import { MetricsService } from '../../infra/metrics/metrics.service';
import type { EnvironmentSnapshot } from '../delivery/environment-snapshot';
import { RelayCatalog, SnapshotChanges, SnapshotSource } from '../delivery/snapshot-source';
import { RelayAuthService } from './relay-auth.service';
import { RelayCredentialVerifier } from './relay-credential-verifier';

/** An open feed: the edge at the other end, what it may take, and what it has been sent. */
interface Feed {
  readonly grant: RelayGrant;
  readonly secret: string;
  readonly res: ServerResponse;
  /** Environment id → the SDK key hash the edge was last sent for it. */
  readonly held: Map<string, string>;
}

/** Open feeds re-check their credential this often (expiry; a revocation notice that was lost). */
const RECHECK_MS = 60_000;
/** An edge that reads this far behind is cut off: it reconnects and resumes by revision. */
const MAX_QUEUED_BYTES = 32 * 1024 * 1024;
const MAX_HELD = 100_000;
const REVISION = /^\d{1,18}$/;

const event = (name: string, data: string) => `event: ${name}\ndata: ${data}\n\n`;

/**
 * The relay feed (see core/relay/feed-protocol): each edge's one SSE connection carrying every
 * environment its credential covers. It reads only this node's snapshots (never PostgreSQL), so an
 * edge can feed other edges the same way. Each change is serialised once and written to every feed
 * holding its environment.
 */
@Injectable()
export class RelayFeedService implements OnModuleInit, BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger('relay-feed');
  private readonly feeds = new Set<Feed>();
  private heartbeat?: NodeJS.Timeout;
  private recheck?: NodeJS.Timeout;

  constructor(
    private readonly snapshots: SnapshotSource,
    private readonly catalog: RelayCatalog,
    private readonly changes: SnapshotChanges,
    private readonly auth: RelayAuthService,
    private readonly verifier: RelayCredentialVerifier,
    metrics: MetricsService,
  ) {
    metrics.gauge('gantry_relay_feeds', 'Relay feeds open on this node (edges fed from it)', [], (g) =>
      g.set(this.feeds.size),
    );
  }

  onModuleInit(): void {
    this.changes.onApplied((_s, change, trace) => this.broadcast(change, trace));
    this.changes.onReplaced((id) => void this.resend(id));
    this.catalog.onReload(() => void this.rescope());
    this.verifier.onRevoked((id) => this.closeWhere((f) => f.grant.id === id, 'credential revoked'));
    this.heartbeat = setInterval(() => this.writeAll(':\n\n'), FEED_HEARTBEAT_MS).unref();
    this.recheck = setInterval(() => void this.recheckCredentials(), RECHECK_MS).unref();
  }

  beforeApplicationShutdown(): void {
    this.closeWhere(() => true, 'shutting down');
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.recheck);
  }

  /** POST /relay/v1/feed. */
  async open(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { grant, secret } = await this.auth.authenticate(req.headers);
    const revisions = parseRevisions(req.body);
    const metas = this.catalog.environments().filter((m) => scopeAllows(grant.scope, m.project, m.key));
    const pairs = (await Promise.all(metas.map(async (m) => [m, await this.snapshots.get(m.id)] as const))).filter(
      (p): p is readonly [FeedEnvironmentMeta, EnvironmentSnapshot] => p[1] !== null,
    );
    // An edge that held a newer revision than this node (it was fed by a node further along) waits
    // for this node to catch up rather than being sent older state; then what it missed is read
    // (from memory, or from the outbox on an API node).
    const missed = await Promise.all(
      pairs.map(async ([m, s]) => {
        const r = revisions.get(m.id);
        if (r === undefined) return null;
        if (r > s.revision) await this.snapshots.catchUpTo(s, r);
        return this.snapshots.changesSince(s, r);
      }),
    );
    // From here to feeds.add nothing awaits: no change can slip between the state sent and the live feed.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      'x-request-id': String(req.id),
    });
    const feed: Feed = { grant, secret, res, held: new Map() };
    let text = '';
    let full = 0;
    let resumed = 0;
    for (const [i, [meta, s]] of pairs.entries()) {
      const state = this.stateOf(meta, s, missed[i], revisions.get(meta.id));
      text += state.text;
      if (state.full) full++;
      else resumed++;
      feed.held.set(meta.id, meta.sdkKeyHash);
    }
    for (const id of revisions.keys()) if (!feed.held.has(id)) text += event('remove', JSON.stringify({ id }));
    text += event('ready', JSON.stringify({ environments: pairs.length }));
    res.write(text);
    this.feeds.add(feed);
    const done = () => this.feeds.delete(feed);
    res.on('close', done);
    res.on('error', done);
    this.logger.log(
      { credentialId: grant.id, credential: grant.name, environments: pairs.length, full, resumed },
      'relay feed opened',
    );
  }

  /**
   * What an edge needs of one environment: the changes it missed, or the whole environment. `read`
   * was read before the last await; what was applied since is still in the snapshot's memory.
   */
  private stateOf(meta: FeedEnvironmentMeta, s: EnvironmentSnapshot, read: FeedChange[] | null, held?: bigint) {
    const upTo = read?.length ? BigInt(read[read.length - 1].revision) : held;
    const since = read === null || upTo === undefined ? null : s.changesSince(upTo);
    const missed = read === null || since === null ? null : [...read, ...since];
    if (missed === null) return { full: true, text: event('environment', s.feedEnvironmentJson(meta)) };
    // meta first: the key may have been rotated while the edge was away.
    let text = event('meta', JSON.stringify(meta));
    for (const c of missed) text += event('change', JSON.stringify(c));
    return { full: false, text };
  }

  /** A live change, serialised once (with its trace context, when traced) for every feed holding its environment. */
  private broadcast(change: FeedChange, trace?: FeedTraceContext): void {
    let text: string | undefined;
    for (const f of this.feeds) {
      if (!f.held.has(change.environmentId)) continue;
      text ??= event('change', JSON.stringify(trace ? { ...change, trace } : change));
      this.write(f, text);
    }
  }

  /** A snapshot replaced whole (changes were lost): the feeds holding it get the whole environment. */
  private async resend(environmentId: string): Promise<void> {
    const meta = this.catalog.environments().find((m) => m.id === environmentId);
    const s = await this.snapshots.get(environmentId);
    for (const f of this.feeds) {
      if (!f.held.has(environmentId)) continue;
      if (meta && s) this.write(f, event('environment', s.feedEnvironmentJson(meta)));
      else {
        f.held.delete(environmentId);
        this.write(f, event('remove', JSON.stringify({ id: environmentId })));
      }
    }
  }

  /** Environments created, deleted or re-keyed: each feed gains, loses or is told. */
  private async rescope(): Promise<void> {
    const metas = this.catalog.environments();
    for (const f of this.feeds) {
      const wanted = metas.filter((m) => scopeAllows(f.grant.scope, m.project, m.key));
      const ids = new Set(wanted.map((m) => m.id));
      for (const id of [...f.held.keys()])
        if (!ids.has(id)) {
          f.held.delete(id);
          this.write(f, event('remove', JSON.stringify({ id })));
        }
      for (const m of wanted) {
        const hash = f.held.get(m.id);
        if (hash === m.sdkKeyHash) continue;
        if (hash !== undefined) {
          f.held.set(m.id, m.sdkKeyHash);
          this.write(f, event('meta', JSON.stringify(m)));
          continue;
        }
        const s = await this.snapshots.get(m.id);
        if (!s || f.res.destroyed || f.held.has(m.id)) continue;
        f.held.set(m.id, m.sdkKeyHash);
        this.write(f, event('environment', s.feedEnvironmentJson(m)));
      }
    }
  }

  private async recheckCredentials(): Promise<void> {
    for (const f of [...this.feeds]) {
      const grant = await this.verifier.verify(f.secret).catch(() => f.grant);
      if (!grant) this.closeWhere((x) => x === f, 'credential no longer valid');
    }
  }

  private write(f: Feed, text: string): void {
    if (f.res.destroyed) return;
    if (f.res.writableLength > MAX_QUEUED_BYTES) {
      this.logger.warn({ credentialId: f.grant.id }, 'relay feed not read: cut off (the edge resumes by revision)');
      f.res.destroy();
      return;
    }
    f.res.write(text);
  }

  private writeAll(text: string): void {
    for (const f of this.feeds) this.write(f, text);
  }

  private closeWhere(drop: (f: Feed) => boolean, why: string): void {
    for (const f of [...this.feeds]) {
      if (!drop(f)) continue;
      this.feeds.delete(f);
      f.res.end();
      this.logger.log({ credentialId: f.grant.id, credential: f.grant.name }, `relay feed closed: ${why}`);
    }
  }
}

/** The body of POST /relay/v1/feed: `{revisions?: {environmentId: "revision"}}`. */
function parseRevisions(body: unknown): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (body === undefined || body === null) return out;
  const revisions = typeof body === 'object' && !Array.isArray(body) ? (body as { revisions?: unknown }).revisions : 1;
  if (revisions === undefined) return out;
  if (!revisions || typeof revisions !== 'object' || Array.isArray(revisions))
    throw new DomainError('relay/invalid_request', 'revisions must be an object of environment id → revision');
  const entries = Object.entries(revisions);
  if (entries.length > MAX_HELD)
    throw new DomainError('relay/invalid_request', `at most ${MAX_HELD} environments per feed`);
  for (const [id, r] of entries) {
    if (typeof r !== 'string' || !REVISION.test(r))
      throw new DomainError('relay/invalid_request', `revisions.${id.slice(0, 64)} must be a decimal revision`);
    out.set(id, BigInt(r));
  }
  return out;
}
