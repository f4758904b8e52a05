/**
 * Whether a parsed file can be planned at all, before anything is read from or written to Gantry:
 * the schema (structure), then what a schema cannot say — duplicate keys, variation references that
 * name no variation, weights that do not add up, a serve with both a variation and a rollout.
 * Every problem names the path of the bad field; checks against the live project (environments
 * and segments that exist) come later, in the plan, with the same kind of paths.
 */
import type { JsonValue } from '../model/flag-config';
import { deepEqual, variationValueType } from '../patch/json-value';
import type {
  ClauseSpec,
  ConfigFile,
  FlagEnvironmentSpec,
  FlagSpec,
  RolloutSpec,
  SegmentSpec,
  ServeSpec,
  VariationRef,
} from './config-file';
import { checkAgainstSchema, type ConfigProblem } from './schema-check';

export type ValidationResult = { ok: true; config: ConfigFile } | { ok: false; problems: ConfigProblem[] };

export function validateConfig(document: unknown): ValidationResult {
  const structural = checkAgainstSchema(document);
  if (structural.length) return { ok: false, problems: structural };
  const config = document as ConfigFile;
  const problems: ConfigProblem[] = [];
  const flags = new Map(config.flags.map((f) => [f.key, f]));
  duplicates(
    config.flags.map((f) => f.key),
    (i, first) =>
      problems.push({ field: `flags[${i}].key`, reason: `duplicates flags[${first}].key '${config.flags[i].key}'` }),
  );
  config.flags.forEach((flag, i) => checkFlag(flag, `flags[${i}]`, flags, problems));
  for (const [env, segments] of Object.entries(config.segments ?? {})) {
    duplicates(
      segments.map((s) => s.key),
      (i, first) =>
        problems.push({
          field: `segments.${env}[${i}].key`,
          reason: `duplicates segments.${env}[${first}].key '${segments[i].key}'`,
        }),
    );
    segments.forEach((segment, i) => checkSegment(segment, `segments.${env}[${i}]`, problems));
  }
  return problems.length ? { ok: false, problems } : { ok: true, config };
}

/** Calls `report(index, firstIndex)` for every repeated value. */
function duplicates(values: unknown[], report: (index: number, first: number) => void): void {
  values.forEach((value, i) => {
    const first = values.findIndex((other) => deepEqual(other, value));
    if (first < i) report(i, first);
  });
}

const show = (ref: VariationRef) => JSON.stringify(ref);

function checkFlag(flag: FlagSpec, path: string, flags: Map<string, FlagSpec>, out: ConfigProblem[]): void {
  const values = flag.variations.map((v) => v.value);
  duplicates(values, (i, first) =>
    out.push({
      field: `${path}.variations[${i}].value`,
      reason: `duplicates variations[${first}].value ${show(values[i])}`,
    }),
  );
  const firstType = variationValueType(values[0]);
  values.forEach((value, i) => {
    if (variationValueType(value) !== firstType)
      out.push({ field: `${path}.variations[${i}].value`, reason: `must be a ${firstType} like variations[0]` });
  });
  for (const [env, spec] of Object.entries(flag.environments ?? {})) {
    checkFlagEnvironment(flag, spec, `${path}.environments.${env}`, flags, out);
  }
}

function checkFlagEnvironment(
  flag: FlagSpec,
  env: FlagEnvironmentSpec,
  path: string,
  flags: Map<string, FlagSpec>,
  out: ConfigProblem[],
): void {
  const ref = (value: VariationRef | undefined, field: string) => {
    if (value !== undefined && !flag.variations.some((v) => deepEqual(v.value, value)))
      out.push({ field, reason: `${show(value)} is not a variation of flag '${flag.key}'` });
  };
  if (env.offVariation !== null) ref(env.offVariation, `${path}.offVariation`);
  checkServe(env.fallthrough, `${path}.fallthrough`, ref, out);
  const targeted = new Map<string, JsonValue>();
  (env.targets ?? []).forEach((t, i) => {
    ref(t.variation, `${path}.targets[${i}].variation`);
    t.values.forEach((key, k) => {
      const id = `${t.contextKind ?? 'user'}\u0000${key}`;
      const other = targeted.get(id);
      if (other !== undefined && !deepEqual(other, t.variation))
        out.push({
          field: `${path}.targets[${i}].values[${k}]`,
          reason: `'${key}' is already targeted with variation ${show(other)}`,
        });
      targeted.set(id, t.variation);
    });
  });
  const rules = env.rules ?? [];
  duplicates(
    rules.map((r) => r.id),
    (i) => out.push({ field: `${path}.rules[${i}].id`, reason: `rule id '${rules[i].id}' is used twice` }),
  );
  rules.forEach((rule, i) => {
    checkServe(rule, `${path}.rules[${i}]`, ref, out);
    rule.clauses.forEach((c, j) => checkClause(c, `${path}.rules[${i}].clauses[${j}]`, out));
  });
  const prerequisites = env.prerequisites ?? [];
  duplicates(
    prerequisites.map((p) => p.flag),
    (i) =>
      out.push({
        field: `${path}.prerequisites[${i}].flag`,
        reason: `flag '${prerequisites[i].flag}' is a prerequisite twice`,
      }),
  );
  prerequisites.forEach((p, i) => {
    if (p.flag === flag.key)
      out.push({ field: `${path}.prerequisites[${i}].flag`, reason: 'a flag cannot be its own prerequisite' });
    const other = flags.get(p.flag);
    // A flag not in the file may exist live: the plan checks it there.
    if (other && !other.variations.some((v) => deepEqual(v.value, p.variation)))
      out.push({
        field: `${path}.prerequisites[${i}].variation`,
        reason: `${show(p.variation)} is not a variation of flag '${p.flag}'`,
      });
  });
}

function checkServe(
  serve: ServeSpec,
  path: string,
  ref: (value: VariationRef | undefined, field: string) => void,
  out: ConfigProblem[],
): void {
  if ((serve.variation === undefined) === (serve.rollout === undefined)) {
    out.push({ field: path, reason: 'needs exactly one of variation or rollout' });
    return;
  }
  ref(serve.variation, `${path}.variation`);
  if (serve.rollout) checkRollout(serve.rollout, `${path}.rollout`, ref, out);
}

function checkRollout(
  rollout: RolloutSpec,
  path: string,
  ref: (value: VariationRef | undefined, field: string) => void,
  out: ConfigProblem[],
): void {
  rollout.variations.forEach((wv, i) => ref(wv.variation, `${path}.variations[${i}].variation`));
  duplicates(
    rollout.variations.map((wv) => wv.variation),
    (i) => out.push({ field: `${path}.variations[${i}].variation`, reason: 'the variation is listed twice' }),
  );
  const total = rollout.variations.reduce((sum, wv) => sum + wv.weight, 0);
  if (total !== 100000)
    out.push({ field: `${path}.variations`, reason: `weights must add up to 100000, not ${total}` });
}

function checkClause(clause: ClauseSpec, path: string, out: ConfigProblem[]): void {
  if (clause.op !== 'segmentMatch' && !clause.attribute)
    out.push({ field: `${path}.attribute`, reason: `is required with op '${clause.op}'` });
  if (clause.op === 'segmentMatch')
    clause.values.forEach((v, i) => {
      if (typeof v !== 'string')
        out.push({ field: `${path}.values[${i}]`, reason: 'segmentMatch values are segment keys' });
    });
}

function checkSegment(segment: SegmentSpec, path: string, out: ConfigProblem[]): void {
  const rules = segment.rules ?? [];
  duplicates(
    rules.map((r) => r.id),
    (i) => out.push({ field: `${path}.rules[${i}].id`, reason: `rule id '${rules[i].id}' is used twice` }),
  );
  rules.forEach((rule, i) => {
    rule.clauses.forEach((c, j) => {
      checkClause(c, `${path}.rules[${i}].clauses[${j}]`, out);
      if (c.op === 'segmentMatch' && c.values.includes(segment.key))
        out.push({ field: `${path}.rules[${i}].clauses[${j}].values`, reason: 'a segment cannot match itself' });
    });
    for (const field of ['bucketBy', 'rolloutContextKind'] as const)
      if (rule[field] !== undefined && rule.weight === undefined)
        out.push({ field: `${path}.rules[${i}].${field}`, reason: 'is only allowed with a weight' });
  });
}
