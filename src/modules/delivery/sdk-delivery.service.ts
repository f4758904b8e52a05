import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { changeEvent, type EnvironmentSnapshot } from './environment-snapshot';
import { invalidSdkKey, sdkKeyOf } from './sdk-credentials';
import { SdkKeyResolver, SnapshotSource } from './snapshot-source';
import { startSseResponse } from './sse-response';

/** Below the SDK's 5-minute read timeout, with room to spare for proxies that close idle sockets. */
export const HEARTBEAT_MS = 60_000;
/** How long a resumption waits for missed changes this node does not keep before sending a put instead. */
const RESUME_READ_MS = 3_000;

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
   * A reconnect with Last-Event-ID gets only what it missed when that is still known (see missedEvents).
   */
  async stream(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { snapshot, sdkKey } = await this.authenticated(req.headers);
    const resumeFrom = parseLastEventId(req.headers['last-event-id']);
    // Resuming from a revision this node has not applied yet: catch up first, never send older state.
    if (resumeFrom !== undefined) await this.snapshots.catchUpTo(snapshot, resumeFrom);
    const missed = resumeFrom === undefined ? null : await this.missedEvents(snapshot, resumeFrom);
    // Nothing is awaited from here on: no change can be applied between `missed` and subscribing.
    reply.hijack();
    const res = reply.raw;
    startSseResponse(res, String(req.id), missed === null ? snapshot.putEvent() : missed.join(''));
    // The hub drops the stream when the response closes or fails.
    this.snapshots.hub.add({ environmentId: snapshot.environmentId, sdkKey, res });
    this.ensureHeartbeat();
  }

  /**
   * The events after `revision`: from the snapshot's memory, else from wherever the node's source
   * keeps changes (the outbox, for an API node that started after them or has since moved on: a
   * client failing over from a node that died); null when they cannot all be had, and the client gets
   * a put. The events applied while the older ones were read come from memory at the end, and the
   * caller subscribes the stream with no await after this, so nothing falls in between. A put is
   * always correct, so a store that fails or is slow to answer (PostgreSQL down) costs only that.
   */
  private async missedEvents(s: EnvironmentSnapshot, revision: bigint): Promise<string[] | null> {
    const kept = s.eventsSince(revision);
    if (kept !== null || revision > s.revision) return kept;
    const older = await Promise.race([
      this.snapshots.changesSince(s, revision).catch(() => null),
      new Promise<null>((resolve) => setTimeout(resolve, RESUME_READ_MS, null).unref()),
    ]);
    if (older === null) return null;
    const upTo = older.length ? BigInt(older[older.length - 1].revision) : revision;
    const newer = s.eventsSince(upTo);
    if (newer === null) return null;
    return [...older.map((c) => changeEvent({ ...c, revision: BigInt(c.revision) })), ...newer];
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
