/**
 * Loads the LaunchDarkly server-side evaluation data files (sdk-test-harness, read in place from
 * ../shared/conformance/launchdarkly-eval/) and expands them exactly as that folder's README says:
 * text substitution of constants/parameters (cartesian products included), YAML 1.2 core-schema
 * parsing with merge keys, and the harness's normalisation of sdkData. No evaluator imports here,
 * so the expansion can be tested on its own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { jsString } from '../../src/core/evaluation/js-string';
import type { JsonValue } from '../../src/core/model/flag-config';

export const LD_EVAL_DATA_DIR = path.join(__dirname, '..', '..', '..', 'shared', 'conformance', 'launchdarkly-eval');

export type ValueType = 'bool' | 'int' | 'double' | 'string' | 'any';
const VALUE_TYPES: readonly ValueType[] = ['bool', 'int', 'double', 'string', 'any'];

/** The reason fields the harness compares (ldreason.EvaluationReason); `inExperiment` only when true. */
export interface ExpectedReason {
  kind: string;
  ruleIndex?: number;
  ruleId?: string;
  prerequisiteKey?: string;
  errorKind?: string;
  inExperiment?: true;
}

export interface ExpectedDetail {
  value: JsonValue;
  /** Absent means the SDK must return no index (null). */
  variationIndex?: number;
  reason: ExpectedReason;
}

export interface LdEvaluation {
  /** `name` from the file, or the flag key when it has none. */
  name: string;
  flagKey: string;
  /** Raw context JSON as written (single-kind, multi-kind or legacy user). */
  context: JsonValue;
  valueType?: ValueType;
  /** Raw `default` (undefined when absent); see `effectiveDefault`. */
  default?: JsonValue;
  expect: ExpectedDetail;
}

/** A flag or segment after normalisation: key and version set, unknown properties dropped. */
export interface NormalisedItem {
  key: string;
  version: number;
  [prop: string]: unknown;
}

export interface SdkData {
  flags: Record<string, NormalisedItem>;
  segments: Record<string, NormalisedItem>;
}

export interface LdEvalSuite {
  file: string;
  /** Position of this expansion within its file (0-based). */
  index: number;
  /** The parameter set this suite came from (undefined when the file has no parameters). */
  params?: Record<string, JsonValue>;
  name: string;
  requireCapability?: string;
  skipEvaluateAllFlags: boolean;
  sdkData: SdkData;
  evaluations: LdEvaluation[];
}

type JsonObject = { [key: string]: JsonValue };
type SubstitutionSet = Record<string, JsonValue>;

// ---------------------------------------------------------------------------------------------
// Parsing and text substitution (README §1, §2)

/** YAML 1.2 core schema (`on` stays a string, only true/false are booleans) with `<<` merge keys. */
export function parseLdYaml(text: string): unknown {
  return parseYaml(text, { schema: 'core', merge: true });
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Compact JSON that never escapes `<`/`>` (JSON.stringify does not), like the harness after its \u003c fix-up. */
const toJson = (v: JsonValue): string => JSON.stringify(v);

/**
 * One substitution pass over the raw text: undo \u003c/\u003e escapes, then replace every quoted
 * `"<NAME>"` with the value's JSON, then every remaining bare `<NAME>` with the raw string (strings)
 * or the JSON (anything else). Names without a definition are left untouched.
 */
export function substitute(text: string, set: SubstitutionSet): string {
  let out = text.split('\\u003c').join('<').split('\\u003e').join('>');
  const names = Object.keys(set);
  for (const name of names) out = out.split(`"<${name}>"`).join(toJson(set[name]));
  for (const name of names) {
    const v = set[name];
    out = out.split(`<${name}>`).join(typeof v === 'string' ? v : toJson(v));
  }
  return out;
}

/**
 * `parameters` is either a list of maps (one set each) or a list of lists of maps (cartesian
 * product; the first inner list changes fastest; later lists win on a shared name).
 */
export function parameterSets(parameters: unknown): SubstitutionSet[] {
  if (!Array.isArray(parameters) || parameters.length === 0) return [];
  if (isObject(parameters[0])) {
    return parameters.map((p, i) => {
      if (!isObject(p)) throw new Error(`parameters[${i}] is not a map`);
      return p;
    });
  }
  if (!Array.isArray(parameters[0])) throw new Error('parameters must be a list of maps or a list of lists of maps');
  const lists = parameters as unknown[][];
  lists.forEach((l, i) => {
    if (!Array.isArray(l) || l.length === 0 || !l.every(isObject))
      throw new Error(`parameters[${i}] is not a non-empty list of maps`);
  });
  const out: SubstitutionSet[] = [];
  const idx = lists.map(() => 0);
  for (;;) {
    const merged: SubstitutionSet = {};
    lists.forEach((l, i) => Object.assign(merged, l[idx[i]] as JsonObject));
    out.push(merged);
    let pos = 0;
    while (pos < lists.length) {
      idx[pos]++;
      if (idx[pos] < lists[pos].length) break;
      idx[pos] = 0;
      pos++;
    }
    if (pos === lists.length) return out;
  }
}

export interface ExpandedText {
  params?: SubstitutionSet;
  text: string;
}

/**
 * Expands one file's text into one text per parameter set: constants, then the set, then constants
 * again. Constants only: one pass. Neither: the text as it is.
 */
export function expandText(original: string): ExpandedText[] {
  const top = parseLdYaml(original);
  const constants: SubstitutionSet = isObject(top) && isObject(top.constants) ? top.constants : {};
  const params = parameterSets(isObject(top) ? top.parameters : undefined);
  if (Object.keys(constants).length === 0 && params.length === 0) return [{ text: original }];
  if (params.length === 0) return [{ text: substitute(original, constants) }];
  return params.map((set) => ({
    params: set,
    text: substitute(substitute(substitute(original, constants), set), constants),
  }));
}

// ---------------------------------------------------------------------------------------------
// sdkData normalisation (README §4). The harness round-trips each item through its Go data model
// (go-server-sdk-evaluation ldmodel) and serves the re-serialised JSON, so:
//  - only the properties that model knows survive (upstream's `clauss:` typo disappears);
//  - every list property is written, as [] when absent or null. This matters: the Node SDK never
//    matches a rule that has no `clauses` property, but matches one with `clauses: []`;
//  - a rollout without weighted variations is not written at all.
// Scalar defaults (on: false, negate: false, ...) are not filled in, so the evaluator also sees
// absent optional scalars; that cannot change a result.

/** 'keep' copies the value whole (scalars and free JSON such as variation values). */
type Field = 'keep' | 'list' | Shape | ArrayOf;
type Shape = { [prop: string]: Field };
/** A list of objects of one shape; [] when absent. ('list' is a list of free JSON; [] when absent.) */
class ArrayOf {
  constructor(readonly item: Shape) {}
}
const arrayOf = (item: Shape) => new ArrayOf(item);

const CLAUSE: Shape = { contextKind: 'keep', attribute: 'keep', op: 'keep', values: 'list', negate: 'keep' };
const ROLLOUT: Shape = {
  kind: 'keep',
  contextKind: 'keep',
  seed: 'keep',
  bucketBy: 'keep',
  variations: arrayOf({ variation: 'keep', weight: 'keep', untracked: 'keep' }),
};
const VARIATION_OR_ROLLOUT: Shape = { variation: 'keep', rollout: ROLLOUT };
const TARGET: Shape = { contextKind: 'keep', variation: 'keep', values: 'list' };

const FLAG_SHAPE: Shape = {
  key: 'keep',
  version: 'keep',
  on: 'keep',
  deleted: 'keep',
  salt: 'keep',
  prerequisites: arrayOf({ key: 'keep', variation: 'keep' }),
  targets: arrayOf(TARGET),
  contextTargets: arrayOf(TARGET),
  rules: arrayOf({ ...VARIATION_OR_ROLLOUT, id: 'keep', clauses: arrayOf(CLAUSE), trackEvents: 'keep' }),
  fallthrough: VARIATION_OR_ROLLOUT,
  offVariation: 'keep',
  variations: 'list',
  clientSide: 'keep',
  clientSideAvailability: { usingMobileKey: 'keep', usingEnvironmentId: 'keep' },
  trackEvents: 'keep',
  trackEventsFallthrough: 'keep',
  debugEventsUntilDate: 'keep',
  migration: { checkRatio: 'keep' },
  samplingRatio: 'keep',
  excludeFromSummaries: 'keep',
};

const SEGMENT_SHAPE: Shape = {
  key: 'keep',
  version: 'keep',
  deleted: 'keep',
  salt: 'keep',
  included: 'list',
  excluded: 'list',
  includedContexts: arrayOf({ contextKind: 'keep', values: 'list' }),
  excludedContexts: arrayOf({ contextKind: 'keep', values: 'list' }),
  rules: arrayOf({
    id: 'keep',
    clauses: arrayOf(CLAUSE),
    weight: 'keep',
    bucketBy: 'keep',
    rolloutContextKind: 'keep',
  }),
  unbounded: 'keep',
  unboundedContextKind: 'keep',
  generation: 'keep',
};

/** Keeps only the properties `shape` names, recursively, and writes absent lists as []. */
function prune(value: unknown, shape: Shape): unknown {
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [prop, field] of Object.entries(shape)) {
    const v = Object.prototype.hasOwnProperty.call(value, prop) ? value[prop] : undefined;
    if (field === 'list' || field instanceof ArrayOf) {
      const list = v === undefined || v === null ? [] : v;
      out[prop] = field instanceof ArrayOf && Array.isArray(list) ? list.map((x) => prune(x, field.item)) : list;
    } else if (v === undefined) continue;
    else out[prop] = field === 'keep' ? v : prune(v, field);
  }
  if ('rollout' in out) {
    const r = out.rollout;
    if (!isObject(r) || !Array.isArray(r.variations) || r.variations.length === 0) delete out.rollout;
  }
  return out;
}

function normaliseItems(items: unknown, shape: Shape, what: string): Record<string, NormalisedItem> {
  const out: Record<string, NormalisedItem> = {};
  if (items === undefined || items === null) return out;
  if (!isObject(items)) throw new Error(`sdkData.${what} is not a map`);
  for (const [key, raw] of Object.entries(items)) {
    if (!isObject(raw)) throw new Error(`sdkData.${what}.${key} is not a map`);
    const item = prune(raw, shape) as Record<string, unknown>;
    item.key = key;
    if (item.version === undefined || item.version === null || item.version === 0) item.version = 1;
    out[key] = item as NormalisedItem;
  }
  return out;
}

export function normaliseSdkData(sdkData: unknown): SdkData {
  const d = isObject(sdkData) ? sdkData : {};
  return {
    flags: normaliseItems(d.flags, FLAG_SHAPE, 'flags'),
    segments: normaliseItems(d.segments, SEGMENT_SHAPE, 'segments'),
  };
}

// ---------------------------------------------------------------------------------------------
// Suites (README §3)

function expectedReason(raw: unknown, where: string): ExpectedReason {
  if (!isObject(raw) || typeof raw.kind !== 'string') throw new Error(`${where}: expect.reason has no kind`);
  const r: ExpectedReason = { kind: raw.kind };
  if (typeof raw.ruleIndex === 'number') r.ruleIndex = raw.ruleIndex;
  if (typeof raw.ruleId === 'string') r.ruleId = raw.ruleId;
  if (typeof raw.prerequisiteKey === 'string') r.prerequisiteKey = raw.prerequisiteKey;
  if (typeof raw.errorKind === 'string') r.errorKind = raw.errorKind;
  if (raw.inExperiment === true) r.inExperiment = true;
  return r;
}

function evaluation(raw: unknown, where: string): LdEvaluation {
  if (!isObject(raw)) throw new Error(`${where} is not a map`);
  if (typeof raw.flagKey !== 'string') throw new Error(`${where}: flagKey is not a string`);
  const exp = raw.expect;
  if (!isObject(exp)) throw new Error(`${where}: expect is not a map (unexpanded placeholder?)`);
  const expect: ExpectedDetail = {
    value: exp.value === undefined ? null : exp.value,
    reason: expectedReason(exp.reason, where),
  };
  if (exp.variationIndex !== undefined && exp.variationIndex !== null) {
    if (typeof exp.variationIndex !== 'number') throw new Error(`${where}: variationIndex is not a number`);
    expect.variationIndex = exp.variationIndex;
  }
  const out: LdEvaluation = {
    name: raw.name === undefined || raw.name === null || raw.name === '' ? raw.flagKey : jsString(raw.name),
    flagKey: raw.flagKey,
    context: raw.context === undefined ? null : raw.context,
    expect,
  };
  if (raw.valueType !== undefined && raw.valueType !== null && raw.valueType !== '') {
    if (!VALUE_TYPES.includes(raw.valueType as ValueType))
      throw new Error(`${where}: unknown valueType ${JSON.stringify(raw.valueType)}`);
    out.valueType = raw.valueType as ValueType;
  }
  if (raw.default !== undefined) out.default = raw.default;
  return out;
}

export function suiteFromText(file: string, index: number, expanded: ExpandedText): LdEvalSuite {
  const doc = parseLdYaml(expanded.text);
  const where = `${file}[${index}]`;
  if (!isObject(doc)) throw new Error(`${where}: not a map`);
  if (!Array.isArray(doc.evaluations)) throw new Error(`${where}: evaluations is not a list`);
  const suite: LdEvalSuite = {
    file,
    index,
    name: typeof doc.name === 'string' ? doc.name : jsString(doc.name ?? ''),
    skipEvaluateAllFlags: doc.skipEvaluateAllFlags === true,
    sdkData: normaliseSdkData(doc.sdkData),
    evaluations: doc.evaluations.map((e, i) => evaluation(e, `${where}.evaluations[${i}]`)),
  };
  if (expanded.params) suite.params = expanded.params;
  if (typeof doc.requireCapability === 'string' && doc.requireCapability !== '')
    suite.requireCapability = doc.requireCapability;
  return suite;
}

export function loadFileText(file: string, text: string): LdEvalSuite[] {
  return expandText(text).map((e, i) => suiteFromText(file, i, e));
}

export function ldEvalFiles(dir = LD_EVAL_DATA_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort();
}

/** Every suite of every `*.yml` file, in file-name order, then expansion order. */
export function loadLdEvalSuites(dir = LD_EVAL_DATA_DIR): LdEvalSuite[] {
  return ldEvalFiles(dir).flatMap((f) => loadFileText(f, readFileSync(path.join(dir, f), 'utf8')));
}

// ---------------------------------------------------------------------------------------------
// Default value and value type (README §5)

/** The default the harness passes: `default` unless missing/null, else inferred from variations[0]. */
export function effectiveDefault(suite: LdEvalSuite, ev: LdEvaluation): JsonValue {
  if (ev.default !== undefined && ev.default !== null) return ev.default;
  const flag = suite.sdkData.flags[ev.flagKey];
  const variations = flag?.variations;
  if (!Array.isArray(variations) || variations.length === 0) return null;
  switch (typeof variations[0]) {
    case 'boolean':
      return false;
    case 'number':
      return 0;
    case 'string':
      return '';
    default:
      return null;
  }
}

/**
 * `valueType` when given, else from the effective default (README §5). Note: the Go harness tests
 * `IsInt()` on the *raw* default, so an inferred 0 becomes `double` there; both are JSON numbers,
 * so the distinction cannot change a result.
 */
export function effectiveValueType(suite: LdEvalSuite, ev: LdEvaluation): ValueType {
  if (ev.valueType) return ev.valueType;
  const d = effectiveDefault(suite, ev);
  if (typeof d === 'boolean') return 'bool';
  if (typeof d === 'number') return Number.isInteger(d) ? 'int' : 'double';
  if (typeof d === 'string') return 'string';
  return 'any';
}
