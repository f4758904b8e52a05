/**
 * Comparing OFREP answers in the cross-check specs (test/e2e/delivery/cross-check.spec.ts,
 * test/e2e/relay/edge-cross-check.spec.ts): the context a corpus context becomes, JSON equality
 * that survives jest's sandbox, and a bounded pool to send many requests with.
 */
import type { Json, TestContext } from './corpus';

export interface OfrepAnswer {
  status: number;
  body: { key?: string; value?: Json; variant?: string; reason?: string; errorCode?: string };
}

/**
 * JSON equality without a prototype check: under jest, objects parsed by Node's fetch and objects
 * made in the test's sandbox have different Object.prototypes (isDeepStrictEqual would differ).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

/** A context as OFREP takes it (the targeting key, the kind and the attributes at the top level). */
export const ofrepContext = (ctx: TestContext) => ({ targetingKey: ctx.key, kind: ctx.kind, ...ctx.attributes });

/** Runs `task` over `items` with at most `limit` at once. */
export async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]);
      }
    }),
  );
  return results;
}
