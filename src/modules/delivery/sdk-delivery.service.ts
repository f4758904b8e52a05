import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EnvironmentSnapshot } from './environment-snapshot';
import { invalidSdkKey, sdkKeyOf } from './sdk-credentials';
import { SdkKeyResolver, SnapshotSource } from './snapshot-source';
import type { Stream } from './stream-hub';

/** Below the SDK's 5-minute read timeout, with room to spare for proxies that close idle sockets. */
export const HEARTBEAT_MS = 60_000;

/** The LaunchDarkly server-side (FDv1) surface: stream, polling. Events are in SdkEventsService. */
@Injectable()
export class SdkDeliveryService {
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly keys: SdkKeyResolver,
    private readonly snapshots: SnapshotSource,
  ) {}

  /** The environment's snapshot for the request's SDK key, or 401. */
  async authenticate(headers: FastifyRequest['headers']): Promise<EnvironmentSnapshot> {
    return (await this.authenticated(headers)).snapshot;
  }

  private async authenticated(
    headers: FastifyRequest['headers'],
  ): Promise<{ snapshot: EnvironmentSnapshot; sdkKey: string }> {
    const sdkKey = sdkKeyOf(headers);
    const envId = sdkKey ? await this.keys.environmentFor(sdkKey) : null;
    const snapshot = envId ? await this.snapshots.get(envId) : null;
    if (!snapshot || !sdkKey) throw invalidSdkKey();
    return { snapshot, sdkKey };
  }

  /**
   * GET /all: a put with everything, then patches and deletes as they commit, `id:` = revision.
   * A reconnect with Last-Event-ID gets only what it missed when that is still known.
   */
  async stream(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { snapshot, sdkKey } = await this.authenticated(req.headers);
    const resumeFrom = parseLastEventId(req.headers['last-event-id']);
    // Resuming from a revision this node has not applied yet: catch up first, never send older state.
    if (resumeFrom !== undefined) await this.snapshots.catchUpTo(snapshot, resumeFrom);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(req.id),
    });
    const missed = resumeFrom === undefined ? null : snapshot.eventsSince(resumeFrom);
    res.write(missed === null ? snapshot.putEvent() : missed.join(''));
    const stream: Stream = { environmentId: snapshot.environmentId, sdkKey, res };
    this.snapshots.hub.add(stream);
    this.ensureHeartbeat();
    const done = () => this.snapshots.hub.remove(stream);
    res.on('close', done);
    res.on('error', done);
  }

  /** GET /sdk/latest-all: `{flags, segments}` with an ETag over the environment revision. */
  async poll(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const snapshot = await this.authenticate(req.headers);
    const etag = `"${snapshot.environmentId}:${snapshot.revision}"`;
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (req.headers['if-none-match'] === etag) {
      await reply.status(304).send();
      return;
    }
    await reply.status(200).header('content-type', 'application/json').send(snapshot.allDataJson());
  }

  private ensureHeartbeat(): void {
    this.heartbeat ??= setInterval(() => this.snapshots.hub.broadcastAll(':\n\n'), HEARTBEAT_MS).unref();
  }
}

function parseLastEventId(value: string | string[] | undefined): bigint | undefined {
  if (typeof value !== 'string' || !/^\d{1,18}$/.test(value)) return undefined;
  return BigInt(value);
}
