import type { EvalDetail, EvalReason, SdkFlag } from '../../core/evaluation';

/** OFREP reasons (the spec's enum; DEFAULT and ERROR are not in it). */
export type OfrepReason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'UNKNOWN';

export type OfrepErrorCode = 'PARSE_ERROR' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'GENERAL' | 'FLAG_NOT_FOUND';

export class OfrepError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: OfrepErrorCode,
    readonly errorDetails: string,
  ) {
    super(errorDetails);
  }
}

const MAX_CONTEXT_ATTRIBUTES = 200;

/**
 * OFREP context -> LaunchDarkly single-kind context: targetingKey is the key, `kind` (default
 * `user`) the kind, everything else attributes.
 */
export function ldContextFromOfrep(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new OfrepError(400, 'PARSE_ERROR', 'the body must be a JSON object {"context": {...}}');
  const context = (body as { context?: unknown }).context;
  if (context === undefined || context === null)
    throw new OfrepError(400, 'TARGETING_KEY_MISSING', 'context.targetingKey is required');
  if (typeof context !== 'object' || Array.isArray(context))
    throw new OfrepError(400, 'INVALID_CONTEXT', 'context must be an object');
  const given = context as Record<string, unknown>;
  const { targetingKey, kind } = given;
  if (targetingKey === undefined || targetingKey === null || targetingKey === '')
    throw new OfrepError(400, 'TARGETING_KEY_MISSING', 'context.targetingKey is required');
  if (typeof targetingKey !== 'string')
    throw new OfrepError(400, 'INVALID_CONTEXT', 'context.targetingKey must be a string');
  if (kind !== undefined && typeof kind !== 'string')
    throw new OfrepError(400, 'INVALID_CONTEXT', 'context.kind must be a string');
  // What `{ ...attributes, kind, key }` after `{ targetingKey, kind, ...attributes } = context`
  // gives (same keys, same order, so the same ETag), copied in one loop: object rest and spread
  // cost ~10× as much, and this runs on every OFREP request.
  const names = Object.keys(given);
  const out: Record<string, unknown> = {};
  let attributes = 0;
  for (const name of names) {
    if (name === 'targetingKey' || name === 'kind') continue;
    if (++attributes > MAX_CONTEXT_ATTRIBUTES)
      throw new OfrepError(400, 'INVALID_CONTEXT', `at most ${MAX_CONTEXT_ATTRIBUTES} context attributes`);
    // An own "__proto__" is an attribute like any other (spread defines it); assigning would set the prototype.
    if (name === '__proto__')
      Object.defineProperty(out, name, { value: given[name], enumerable: true, writable: true, configurable: true });
    else out[name] = given[name];
  }
  out.kind = kind ?? 'user';
  out.key = targetingKey;
  return out;
}

/** Whether a flag answers the same for every context: off, or no targeting at all and a fixed fallthrough. */
export function isContextIndependent(flag: SdkFlag): boolean {
  if (flag.on === false) return true;
  if (flag.prerequisites?.length || flag.targets?.length || flag.contextTargets?.length || flag.rules?.length)
    return false;
  return typeof flag.fallthrough?.variation === 'number' && !flag.fallthrough.rollout;
}

/** Rule and fallthrough matches served by a rollout are SPLIT; fixed variations are TARGETING_MATCH / STATIC. */
export function ofrepReason(r: EvalReason, flag: SdkFlag | undefined): OfrepReason {
  switch (r.kind) {
    case 'OFF':
    case 'PREREQUISITE_FAILED':
      return 'DISABLED';
    case 'TARGET_MATCH':
      return 'TARGETING_MATCH';
    case 'RULE_MATCH':
      return flag?.rules?.[r.ruleIndex]?.rollout ? 'SPLIT' : 'TARGETING_MATCH';
    case 'FALLTHROUGH':
      return flag?.fallthrough?.rollout ? 'SPLIT' : 'STATIC';
    default:
      return 'UNKNOWN';
  }
}

/** One flag's OFREP result: a success body, or the error it maps to. */
export function ofrepResult(
  key: string,
  detail: EvalDetail,
  flag: SdkFlag | undefined,
): { ok: true; body: Record<string, unknown> } | { ok: false; error: OfrepError } {
  if (detail.reason.kind === 'ERROR') {
    if (detail.reason.errorKind === 'FLAG_NOT_FOUND')
      return { ok: false, error: new OfrepError(404, 'FLAG_NOT_FOUND', `flag '${key}' was not found`) };
    if (detail.reason.errorKind === 'USER_NOT_SPECIFIED')
      return { ok: false, error: new OfrepError(400, 'INVALID_CONTEXT', 'the context is not valid') };
    return {
      ok: false,
      error: new OfrepError(500, 'GENERAL', `flag '${key}' could not be evaluated (${detail.reason.errorKind})`),
    };
  }
  const body: Record<string, unknown> = {
    key,
    reason: ofrepReason(detail.reason, flag),
    metadata: { version: flag?.version ?? 0 },
  };
  // No variation (off with no off variation): the code default applies, so `value` is omitted (OFREP "codeDefault").
  if (detail.variationIndex !== null) {
    body.value = detail.value;
    body.variant = String(detail.variationIndex);
  }
  return { ok: true, body };
}
