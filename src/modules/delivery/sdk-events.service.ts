import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { isDatabaseUnavailable } from '../../infra/prisma/prisma-errors';
import { EvaluationRecorder } from '../insights/evaluation-recorder.service';
import { ContextSampleService } from './context-sample.service';
import { DeliveryMetrics } from './delivery.metrics';
import { DeliveryRepository, type NewSdkEvent } from './delivery.repository';
import { SdkEventSink, SnapshotSource } from './snapshot-source';
import { ActiveGuardsReadModel, type GuardedKeys } from '../releases/active-guards.read-model';

const MAX_EVENTS = 10_000;
/** The kinds gantry_sdk_events_total names (anything else is `other`). */
const COUNTED_KINDS = new Set(['feature', 'custom', 'summary', 'index', 'identify']);

type LdEvent = Record<string, unknown> & { kind?: unknown };

/**
 * POST /bulk: LaunchDarkly analytics events. Summary events are counted into evaluation insights;
 * feature events of flags and custom events of metrics that a running or paused guarded release
 * watches are stored for its guard to aggregate per variation, and nothing else is (an event no
 * guard reads would only be a row to prune); contexts feed the context sample.
 *
 * While PostgreSQL is unreachable the batch is still accepted (202): summaries are counted in
 * memory and written when it is back (EvaluationRecorder keeps a failed flush), and the events a
 * guard would have stored are dropped and counted in gantry_sdk_events_dropped_total (SDKs do not
 * resend accepted batches, and a guard decides on what it has).
 */
@Injectable()
export class SdkEventsService extends SdkEventSink {
  constructor(
    private readonly repo: DeliveryRepository,
    private readonly samples: ContextSampleService,
    private readonly metrics: DeliveryMetrics,
    private readonly recorder: EvaluationRecorder,
    private readonly snapshots: SnapshotSource,
    private readonly guards: ActiveGuardsReadModel,
  ) {
    super();
  }

  /** `sdk`: who sent them (sdkLabel of the request), for the evaluation counts of summary events. */
  async ingest(environmentId: string, body: unknown, sdk: string): Promise<number> {
    const events = checkEventBatch(body);
    const guarded = await this.guardedKeys(environmentId).catch((e: unknown) => {
      if (isDatabaseUnavailable(e)) return UNKNOWN;
      throw e;
    });
    const rows: NewSdkEvent[] = [];
    for (const raw of events) {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
      const e = raw as LdEvent;
      const kind = typeof e.kind === 'string' ? e.kind.slice(0, 32) : 'unknown';
      this.metrics.sdkEvents.inc({ kind: COUNTED_KINDS.has(kind) ? kind : 'other' });
      if (e.context && typeof e.context === 'object') this.samples.offer(environmentId, e.context);
      // Summaries count every evaluation (feature events too repeat evaluations they already count).
      if (kind === 'summary') this.recorder.summary(environmentId, e, sdk);
      const key = typeof e.key === 'string' ? e.key.slice(0, 256) : null;
      if (guarded === UNKNOWN && key !== null && (kind === 'feature' || kind === 'custom')) {
        this.metrics.sdkEventsDropped.inc();
        continue;
      }
      if (key === null || !(kind === 'feature' ? guarded.flags : kind === 'custom' ? guarded.metrics : NONE).has(key))
        continue;
      rows.push({
        environmentId,
        kind,
        key,
        contextKeys: contextKeysOf(e) ?? undefined,
        variation: Number.isInteger(e.variation) ? (e.variation as number) : null,
        metricValue: typeof e.metricValue === 'number' && Number.isFinite(e.metricValue) ? e.metricValue : null,
        createdAt: eventTime(e),
        payload: e,
      });
    }
    try {
      await this.repo.insertEvents(rows);
    } catch (e) {
      if (!isDatabaseUnavailable(e)) throw e;
      this.metrics.sdkEventsDropped.inc(rows.length);
      return 0;
    }
    this.metrics.sdkEventsStored.inc(rows.length);
    return rows.length;
  }

  private async guardedKeys(environmentId: string): Promise<GuardedKeys> {
    const snapshot = await this.snapshots.get(environmentId);
    return this.guards.keysOf(environmentId, snapshot?.revision ?? -1n);
  }
}

const NONE: ReadonlySet<string> = new Set();
/** The guarded keys could not be read (PostgreSQL unreachable). */
const UNKNOWN: GuardedKeys = { flags: NONE, metrics: NONE };

/** The body of POST /bulk, wherever it is received (an edge checks it before forwarding it). */
export function checkEventBatch(body: unknown): unknown[] {
  if (!Array.isArray(body)) throw new DomainError('sdk/invalid_events', 'the body must be a JSON array of events');
  if (body.length > MAX_EVENTS)
    throw new DomainError('sdk/too_many_events', `at most ${MAX_EVENTS} events per request`);
  return body;
}

/** Years a timestamp column holds comfortably; an SDK clock outside them is not believed. */
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2200, 0, 1);

/** When the SDK made the event (creationDate, or a summary's endDate); the receipt time when absent or absurd. */
function eventTime(e: LdEvent): Date {
  const t = typeof e.creationDate === 'number' ? e.creationDate : typeof e.endDate === 'number' ? e.endDate : NaN;
  return new Date(Number.isFinite(t) && t >= MIN_TIME && t <= MAX_TIME ? t : Date.now());
}

/** `{kind: key}` from an event's `contextKeys`, or from its full `context` (single or multi-kind). */
function contextKeysOf(e: LdEvent): Record<string, string> | null {
  if (e.contextKeys && typeof e.contextKeys === 'object') return e.contextKeys as Record<string, string>;
  const c = e.context as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object') return null;
  if (c.kind === 'multi') {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(c))
      if (k !== 'kind' && v && typeof v === 'object' && typeof (v as { key?: unknown }).key === 'string')
        out[k] = (v as { key: string }).key;
    return out;
  }
  return typeof c.key === 'string' ? { [typeof c.kind === 'string' ? c.kind : 'user']: c.key } : null;
}
