import type { EvaluationCount } from '../insights/evaluation-tally';

const MAX_ROWS = 5_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ParsedCountBatch = { ok: true; batchId: string; rows: EvaluationCount[] } | { ok: false; error: string };

const time = (v: unknown): Date | null => {
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/**
 * A batch of evaluation counts an edge sends upstream (`POST /relay/v1/evaluation-counts`): what its
 * EvaluationRecorder would have written, with the batch id that makes a retry count once.
 */
export function parseCountBatch(body: unknown): ParsedCountBatch {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, error: 'the body must be an object' };
  const { batchId, rows } = body as { batchId?: unknown; rows?: unknown };
  if (typeof batchId !== 'string' || !UUID.test(batchId)) return { ok: false, error: 'batchId must be a UUID' };
  if (!Array.isArray(rows) || rows.length > MAX_ROWS)
    return { ok: false, error: `rows must be an array of at most ${MAX_ROWS} counts` };
  const out: EvaluationCount[] = [];
  for (const [i, raw] of rows.entries()) {
    const r = (raw ?? {}) as Record<string, unknown>;
    const bucket = time(r.bucket);
    const lastAt = time(r.lastAt);
    if (
      typeof r.environmentId !== 'string' ||
      !UUID.test(r.environmentId) ||
      typeof r.flagKey !== 'string' ||
      !r.flagKey ||
      r.flagKey.length > 256 ||
      !Number.isInteger(r.variation) ||
      (r.variation as number) < -1 ||
      typeof r.sdk !== 'string' ||
      r.sdk.length > 64 ||
      !Number.isSafeInteger(r.count) ||
      (r.count as number) < 1 ||
      !bucket ||
      !lastAt
    )
      return { ok: false, error: `rows[${i}] is not an evaluation count` };
    out.push({
      environmentId: r.environmentId,
      flagKey: r.flagKey,
      variation: r.variation as number,
      sdk: r.sdk,
      bucket,
      count: r.count as number,
      lastAt,
    });
  }
  return { ok: true, batchId, rows: out };
}
