/**
 * Cross-check: the LaunchDarkly Node SDK, evaluating locally on what Gantry streams to it, and
 * Gantry's own evaluator behind OFREP (single and bulk) must agree on every value and variation.
 *
 * A project is generated through the management API from a fixed seed: flags of every value type
 * with on/off, off variations, fixed and percentage fallthroughs, user and org targets, rules with
 * every operator (negated or not, with context kinds and attribute paths) serving variations or
 * rollouts, prerequisites, and segments (included/excluded keys, other kinds, rules, weights,
 * nested segments). Then many random contexts are evaluated on both sides; then the configuration
 * changes while the SDK is streaming and the comparison runs again.
 */
import type { LDClient, LDEvaluationDetail } from '@launchdarkly/node-server-sdk';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, ldClient, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Flag, type Schemas } from '../../support/factories';

const P = 'xcheck';
const E = 'production';
const SEED = 20_240_611;
const FLAGS = 16;
const CONTEXTS = 300;
const CONTEXTS_AFTER_CHANGES = 150;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Instruction = Schemas['FlagInstruction'];
type SegmentInstruction = Schemas['SegmentInstruction'];
type ClauseInput = Schemas['ClauseInput'];
type Attributes = Record<string, Json>;
interface TestContext {
  kind: 'user' | 'org';
  key: string;
  attributes: Attributes;
}
interface OfrepAnswer {
  status: number;
  body: { key?: string; value?: Json; variant?: string; reason?: string; errorCode?: string };
}

/**
 * JSON equality without a prototype check: under jest, objects parsed by Node's fetch and objects
 * made in the test's sandbox have different Object.prototypes (isDeepStrictEqual would differ).
 */
function sameJson(a: unknown, b: unknown): boolean {
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

/** mulberry32: a tiny seeded PRNG, so every run generates the same project and contexts. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => next() < p;
  const sample = <T>(items: readonly T[], k: number): T[] => {
    const copy = [...items];
    const out: T[] = [];
    while (out.length < k && copy.length) out.push(copy.splice(int(copy.length), 1)[0]);
    return out;
  };
  /** Integer weights for `n` variations adding up to 100 000 (some may be 0). */
  const weights = (n: number): number[] => {
    const cuts = Array.from({ length: n - 1 }, () => int(100_001)).sort((a, b) => a - b);
    return [...cuts, 100_000].map((c, i) => c - (i === 0 ? 0 : cuts[i - 1]));
  };
  return { next, int, pick, chance, sample, weights };
}

const USER_KEYS = Array.from({ length: 40 }, (_, i) => `u${i}`);
const ORG_KEYS = Array.from({ length: 10 }, (_, i) => `o${i}`);
const COUNTRIES = ['NL', 'BE', 'DE', 'US', 'FR', 'JP'];
const PLANS = ['free', 'pro', 'enterprise'];
const DOMAINS = ['example.com', 'example.org', 'corp.io'];
const VERSIONS = ['1.0.0', '1.2.3', '1.2', '2.0.0-beta.1', '2.0.0', '10.0.1', 'v1.0.0', '1.2.3+build.7', '2'];
const DATES: Json[] = [
  '2023-01-01T00:00:00Z',
  '2024-06-15T12:30:00.000Z',
  '2025-03-01T00:00:00+02:00',
  1_700_000_000_000,
  1_600_000_000_000,
  '2024-01-01',
  'soon',
];
const GROUPS = ['a', 'b', 'c', 'd'];
const CITIES = ['Amsterdam', 'Berlin', 'Paris'];
const TIERS = ['gold', 'silver', 'bronze'];
const SEGMENTS = ['seg-0', 'seg-1', 'seg-2', 'seg-3', 'seg-4'];

describe('LaunchDarkly SDK and OFREP agree', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let sdkKey: string;
  let ld: LDClient;
  const rnd = prng(SEED);
  const flags = new Map<string, Flag>();

  const patchFlag = async (key: string, instructions: Instruction[]) => {
    const flag = await factory.patchFlag(api, P, key, {
      environmentKey: E,
      instructions,
      comment: 'generated',
    });
    flags.set(key, flag);
    return flag;
  };
  const patchSegment = (key: string, instructions: SegmentInstruction[]) =>
    factory.patchSegment(api, P, E, key, { instructions });

  // ---- generation -------------------------------------------------------------------------------

  /** A random clause; `forced` picks the kind of clause (by index) instead, so every operator gets a turn. */
  function clause(segmentsAllowed: readonly string[], forced?: number): ClauseInput {
    const negate = rnd.chance(0.25);
    const kinds: (() => ClauseInput)[] = [
      () => ({ attribute: 'country', op: 'in', values: rnd.sample(COUNTRIES, 1 + rnd.int(3)) }),
      () => ({ attribute: 'plan', op: 'in', values: rnd.sample(PLANS, 1 + rnd.int(2)) }),
      () => ({ attribute: 'key', op: 'in', values: rnd.sample(USER_KEYS, 3 + rnd.int(6)) }),
      () => ({ attribute: 'groups', op: 'in', values: rnd.sample(GROUPS, 1 + rnd.int(2)) }),
      () => ({ attribute: 'beta', op: 'in', values: [rnd.chance(0.5)] }),
      () => ({ attribute: 'age', op: 'in', values: [30, 42] }),
      () => ({ attribute: 'email', op: 'endsWith', values: [`@${rnd.pick(DOMAINS)}`] }),
      () => ({ attribute: 'email', op: 'startsWith', values: rnd.sample(['u1', 'u2', 'u3'], 2) }),
      () => ({ attribute: 'email', op: 'contains', values: [rnd.pick(['example', '7', 'corp'])] }),
      () => ({
        attribute: 'email',
        op: 'matches',
        values: [rnd.pick(['^u[0-9]@', 'example\\.(com|org)$', '[13579]@'])],
      }),
      () => ({
        attribute: 'age',
        op: rnd.pick(['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'] as const),
        values: [rnd.pick([18, 30, 42, 65])],
      }),
      () => ({
        attribute: 'created',
        op: rnd.pick(['before', 'after'] as const),
        values: [rnd.pick(['2024-01-01T00:00:00Z', 1_650_000_000_000, '2024-06-15T12:30:00Z'])],
      }),
      () => ({
        attribute: 'version',
        op: rnd.pick(['semVerEqual', 'semVerLessThan', 'semVerGreaterThan'] as const),
        values: [rnd.pick(['1.2.3', '2.0.0', '1.0', '2.0.0-alpha'])],
      }),
      () => ({ contextKind: 'user', attribute: '/address/city', op: 'in', values: rnd.sample(CITIES, 1 + rnd.int(2)) }),
      () => ({ contextKind: 'org', attribute: 'tier', op: 'in', values: rnd.sample(TIERS, 1 + rnd.int(2)) }),
      () => ({
        contextKind: 'org',
        attribute: 'employees',
        op: rnd.pick(['greaterThan', 'lessThan'] as const),
        values: [rnd.pick([50, 500])],
      }),
      () => ({ attribute: 'kind', op: 'in', values: [rnd.pick(['user', 'org'])] }),
    ];
    if (forced !== undefined) return { ...kinds[forced % kinds.length](), negate };
    if (segmentsAllowed.length) {
      const segmentClause = (): ClauseInput => ({
        attribute: 'segmentMatch',
        op: 'segmentMatch',
        values: rnd.sample(segmentsAllowed, 1 + rnd.int(2)),
      });
      kinds.push(segmentClause, segmentClause, segmentClause);
    }
    return { ...rnd.pick(kinds)(), negate };
  }

  const clauses = (segmentsAllowed: readonly string[]) =>
    Array.from({ length: 1 + rnd.int(rnd.chance(0.7) ? 1 : 3) }, () => clause(segmentsAllowed));

  /** variationId, or rolloutWeights (+ sometimes bucketBy / an org rollout). */
  function serve(flag: Flag, rolloutChance: number): Record<string, unknown> {
    if (!rnd.chance(rolloutChance)) return { variationId: rnd.pick(flag.variations)._id };
    const w = rnd.weights(flag.variations.length);
    const out: Record<string, unknown> = {
      rolloutWeights: Object.fromEntries(flag.variations.map((v, i) => [v._id, w[i]])),
    };
    const r = rnd.next();
    if (r < 0.2) out.rolloutBucketBy = 'email';
    else if (r < 0.35) out.rolloutContextKind = 'org';
    return out;
  }

  const VALUE_SETS: (unknown[] | undefined)[] = [
    undefined, // boolean
    ['red', 'green', 'blue'],
    [0, 1.5, 42],
    [{ layout: 'grid', columns: 3 }, { layout: 'list' }],
    ['alpha', 'beta', 'gamma', 'delta'],
  ];

  async function generateSegments() {
    await factory.segment(api, P, E, {
      key: 'seg-0',
      included: rnd.sample(USER_KEYS, 8),
      excluded: rnd.sample(USER_KEYS, 3),
    });
    await patchSegment('seg-0', [{ kind: 'addIncludedTargets', contextKind: 'org', values: rnd.sample(ORG_KEYS, 3) }]);
    await factory.segment(api, P, E, { key: 'seg-1' });
    await patchSegment('seg-1', [
      { kind: 'addRule', clauses: [{ attribute: 'country', op: 'in', values: ['NL', 'BE'] }] },
    ]);
    await factory.segment(api, P, E, { key: 'seg-2', excluded: rnd.sample(USER_KEYS, 3) });
    await patchSegment('seg-2', [
      {
        kind: 'addRule',
        clauses: [{ attribute: 'plan', op: 'in', values: ['pro', 'enterprise'] }],
        weight: 40_000,
        rolloutBucketBy: 'email',
      },
    ]);
    await factory.segment(api, P, E, { key: 'seg-3' });
    await patchSegment('seg-3', [
      {
        kind: 'addRule',
        clauses: [
          { attribute: 'segmentMatch', op: 'segmentMatch', values: ['seg-1'] },
          { attribute: 'age', op: 'greaterThanOrEqual', values: [30] },
        ],
      },
      { kind: 'addRule', clauses: [clause(['seg-0'])] },
    ]);
    await factory.segment(api, P, E, { key: 'seg-4' });
    await patchSegment('seg-4', [
      {
        kind: 'addRule',
        clauses: [{ contextKind: 'org', attribute: 'tier', op: 'in', values: ['gold', 'silver'] }],
        weight: 70_000,
        rolloutContextKind: 'org',
      },
    ]);
  }

  async function generateFlag(i: number) {
    const key = `flag-${i}`;
    const values = VALUE_SETS[i % VALUE_SETS.length];
    const flag = await factory.flag(api, P, { key, ...(values ? { variations: values } : {}) });
    const instructions: Instruction[] = [];
    if (rnd.chance(0.9)) instructions.push({ kind: 'turnFlagOn' });
    instructions.push(
      rnd.chance(0.1)
        ? { kind: 'updateOffVariation', variationId: null }
        : { kind: 'updateOffVariation', variationId: rnd.pick(flag.variations)._id },
    );
    instructions.push({ kind: 'updateFallthroughVariationOrRollout', ...serve(flag, 0.5) });
    // Targets: a key is targeted by at most one variation per kind.
    const userKeys = rnd.sample(USER_KEYS, 6);
    const orgKeys = rnd.sample(ORG_KEYS, 4);
    if (rnd.chance(0.5))
      instructions.push({
        kind: 'addTargets',
        values: userKeys.slice(0, 2),
        variationId: rnd.pick(flag.variations)._id,
      });
    if (rnd.chance(0.3))
      instructions.push({
        kind: 'addTargets',
        values: userKeys.slice(2, 4),
        variationId: rnd.pick(flag.variations)._id,
      });
    if (rnd.chance(0.3))
      instructions.push({
        kind: 'addTargets',
        contextKind: 'org',
        values: orgKeys.slice(0, 2),
        variationId: rnd.pick(flag.variations)._id,
      });
    // The first rule has one clause of the i-th kind; then up to three random rules.
    instructions.push({ kind: 'addRule', clauses: [clause(SEGMENTS, i)], ...serve(flag, 0.4) });
    const rules = rnd.int(4);
    for (let r = 0; r < rules; r++)
      instructions.push({ kind: 'addRule', clauses: clauses(SEGMENTS), ...serve(flag, 0.4) });
    // Prerequisites only on earlier flags, so there are no cycles.
    // Half of them require what the prerequisite serves by default, so they often pass.
    if (i >= 2 && rnd.chance(0.2)) {
      const prerequisite = flags.get(`flag-${rnd.int(i)}`)!;
      const served = prerequisite.environments[E].fallthrough.variation;
      const variation =
        served !== undefined && rnd.chance(0.5) ? prerequisite.variations[served] : rnd.pick(prerequisite.variations);
      instructions.push({ kind: 'addPrerequisite', key: prerequisite.key, variationId: variation._id });
    }
    flags.set(key, flag);
    await patchFlag(key, instructions);
  }

  function randomContext(): TestContext {
    if (rnd.chance(0.2)) {
      const attributes: Attributes = { tier: rnd.pick(TIERS), employees: rnd.pick([10, 50, 120, 800]) };
      if (rnd.chance(0.3)) attributes.country = rnd.pick(COUNTRIES);
      return { kind: 'org', key: rnd.chance(0.8) ? rnd.pick(ORG_KEYS) : `org-${rnd.int(1000)}`, attributes };
    }
    const key = rnd.chance(0.7) ? rnd.pick(USER_KEYS) : `user-${rnd.int(100_000)}`;
    const attributes: Attributes = {};
    const maybe = (p: number, name: string, value: () => Json) => {
      if (rnd.chance(p)) attributes[name] = value();
    };
    maybe(0.8, 'email', () => `${key}@${rnd.pick(DOMAINS)}`);
    maybe(0.8, 'country', () => rnd.pick(COUNTRIES));
    maybe(0.8, 'plan', () => rnd.pick(PLANS));
    maybe(0.7, 'age', () => rnd.pick<Json>([12, 18, 29, 30, 42, 64.5, 65, 90, '30']));
    maybe(0.6, 'version', () => rnd.pick(VERSIONS));
    maybe(0.6, 'created', () => rnd.pick(DATES));
    maybe(0.5, 'groups', () => rnd.sample(GROUPS, rnd.int(3)));
    maybe(0.5, 'beta', () => rnd.chance(0.5));
    maybe(0.4, 'address', () => ({ city: rnd.pick(CITIES), zip: String(1000 + rnd.int(9000)) }));
    return { kind: 'user', key, attributes };
  }

  // ---- comparison -------------------------------------------------------------------------------

  const ofrepPost = async (path: string, ctx: TestContext) => {
    const res = await fetch(`${gantry.baseUrl}/ofrep/v1/evaluate/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context: { targetingKey: ctx.key, kind: ctx.kind, ...ctx.attributes } }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  /** The OFREP reason Gantry should give for an SDK reason (protocols.md §4.3). */
  function expectedOfrepReason(flag: Flag, detail: LDEvaluationDetail): string {
    const reason = detail.reason as { kind: string; ruleIndex?: number };
    const config = flag.environments[E];
    switch (reason.kind) {
      case 'OFF':
      case 'PREREQUISITE_FAILED':
        return 'DISABLED';
      case 'TARGET_MATCH':
        return 'TARGETING_MATCH';
      case 'RULE_MATCH':
        return config.rules[reason.ruleIndex!].rollout ? 'SPLIT' : 'TARGETING_MATCH';
      case 'FALLTHROUGH':
        return config.fallthrough.rollout ? 'SPLIT' : 'STATIC';
      default:
        return `(SDK error ${JSON.stringify(reason)})`;
    }
  }

  /** Differences between the SDK's detail and one OFREP answer for a flag; empty when they agree. */
  function differences(flag: Flag, detail: LDEvaluationDetail, answer: OfrepAnswer): string[] {
    const problems: string[] = [];
    if (detail.reason.kind === 'ERROR') return [`the SDK gave ${JSON.stringify(detail.reason)}`];
    if (answer.status !== 200) return [`OFREP answered ${answer.status} ${JSON.stringify(answer.body)}`];
    const { body } = answer;
    if (detail.variationIndex === null || detail.variationIndex === undefined) {
      if ('value' in body || 'variant' in body) problems.push(`SDK served no variation, OFREP ${JSON.stringify(body)}`);
    } else {
      if (body.variant !== String(detail.variationIndex))
        problems.push(`variant ${body.variant} != SDK variation ${detail.variationIndex}`);
      if (!sameJson(body.value, detail.value))
        problems.push(`value ${JSON.stringify(body.value)} != SDK ${JSON.stringify(detail.value)}`);
    }
    const reason = expectedOfrepReason(flag, detail);
    if (body.reason !== reason)
      problems.push(`reason ${body.reason}, expected ${reason} for SDK ${JSON.stringify(detail.reason)}`);
    return problems;
  }

  /** Runs `task` over `items` with at most `limit` at once. */
  async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
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

  /** Evaluates every flag for every context on both sides; returns the mismatches and what was covered. */
  async function compare(contexts: TestContext[]) {
    const mismatches: string[] = [];
    const reasons = new Set<string>();
    /** Operators (with negation) of the rules that matched. */
    const matchedOps = new Set<string>();
    const ofrepReasons = new Set<string>();
    const keys = [...flags.keys()];
    const singles = await pool(
      contexts.flatMap((ctx) => keys.map((key) => ({ ctx, key }))),
      8,
      async ({ ctx, key }) => ofrepPost(`flags/${key}`, ctx),
    );
    const bulks = await pool(contexts, 8, (ctx) => ofrepPost('flags', ctx));
    for (let c = 0; c < contexts.length; c++) {
      const ctx = contexts[c];
      const ldContext = { kind: ctx.kind, key: ctx.key, ...ctx.attributes };
      expect(bulks[c].status).toBe(200);
      const bulkByKey = new Map<string, OfrepAnswer['body']>(
        bulks[c].body.flags.map((f: { key: string }) => [f.key, f]),
      );
      expect([...bulkByKey.keys()].sort()).toEqual([...keys].sort());
      for (let k = 0; k < keys.length; k++) {
        const flag = flags.get(keys[k])!;
        const detail = await ld.variationDetail(flag.key, ldContext, null);
        reasons.add(detail.reason.kind);
        if (detail.reason.kind === 'RULE_MATCH') {
          for (const c of flag.environments[E].rules[detail.reason.ruleIndex!].clauses)
            matchedOps.add(`${c.negate ? 'not ' : ''}${c.op}`);
        }
        ofrepReasons.add(String(singles[c * keys.length + k].body.reason));
        const where = `${flag.key} for ${JSON.stringify(ldContext)}`;
        for (const p of differences(flag, detail, singles[c * keys.length + k]))
          mismatches.push(`single: ${where}: ${p}`);
        for (const p of differences(flag, detail, { status: 200, body: bulkByKey.get(flag.key)! }))
          mismatches.push(`bulk: ${where}: ${p}`);
      }
    }
    return { mismatches, reasons, matchedOps, ofrepReasons };
  }

  /** Waits until the SDK holds, for every flag, the version the management API last returned. */
  async function sdkCaughtUp() {
    const expected = Object.fromEntries([...flags.values()].map((f) => [f.key, f.environments[E].version]));
    await eventually(
      async () => {
        const state = (await ld.allFlagsState({ kind: 'user', key: 'probe' })).toJSON() as {
          $flagsState: Record<string, { version: number }>;
        };
        const actual = Object.fromEntries(Object.entries(state.$flagsState).map(([k, s]) => [k, s.version]));
        expect(actual).toEqual(expected);
      },
      { timeoutMs: 15_000 },
    );
  }

  // ---- the test ---------------------------------------------------------------------------------

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: ['staging', E] });
    sdkKey = await sdkKeyOf(api, P, E);
    await generateSegments();
    for (let i = 0; i < FLAGS; i++) await generateFlag(i);

    // Everything exists before the SDK connects: its first put carries all of it.
    ld = ldClient(gantry.baseUrl, sdkKey);
    await ld.waitForInitialization({ timeout: 10 });
    await sdkCaughtUp();
  }, 120_000);

  afterAll(async () => {
    ld?.close();
    await gantry?.stop();
  });

  it(`agree on ${CONTEXTS} random contexts × ${FLAGS} flags`, async () => {
    const contexts = Array.from({ length: CONTEXTS }, randomContext);
    const { mismatches, reasons, matchedOps, ofrepReasons } = await compare(contexts);
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(mismatches).toHaveLength(0);
    // The generated data exercises every path, or the comparison would prove little.
    expect([...reasons].sort()).toEqual(['FALLTHROUGH', 'OFF', 'PREREQUISITE_FAILED', 'RULE_MATCH', 'TARGET_MATCH']);
    expect([...ofrepReasons].sort()).toEqual(['DISABLED', 'SPLIT', 'STATIC', 'TARGETING_MATCH']);
    expect(matchedOps).toContain('segmentMatch');
    expect(matchedOps.size).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it('still agree after changes streamed to the SDK as patches', async () => {
    // Random changes to flags and segments while the SDK is connected.
    for (let i = 0; i < FLAGS; i++) {
      const flag = flags.get(`flag-${i}`)!;
      const instructions: Instruction[] = [];
      if (rnd.chance(0.3)) instructions.push({ kind: flag.environments[E].on ? 'turnFlagOff' : 'turnFlagOn' });
      if (rnd.chance(0.4)) instructions.push({ kind: 'updateFallthroughVariationOrRollout', ...serve(flag, 0.6) });
      if (rnd.chance(0.4)) {
        // New rules go first, so they take effect before the existing ones.
        const first = flag.environments[E].rules[0]?._id;
        instructions.push({
          kind: 'addRule',
          clauses: clauses(SEGMENTS),
          ...serve(flag, 0.5),
          ...(first ? { beforeRuleId: first } : {}),
        });
      }
      if (instructions.length) await patchFlag(flag.key, instructions);
    }
    await patchSegment('seg-0', [
      { kind: 'addIncludedTargets', values: rnd.sample(USER_KEYS, 5) },
      { kind: 'removeExcludedTargets', values: USER_KEYS },
    ]);
    await patchSegment('seg-1', [
      { kind: 'addRule', clauses: [{ attribute: 'plan', op: 'in', values: ['enterprise'] }] },
    ]);
    await patchSegment('seg-2', [
      {
        kind: 'updateRuleRollout',
        ruleId: ok(
          await api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
            params: { path: { projectKey: P, envKey: E, segmentKey: 'seg-2' } },
          }),
        ).rules[0]._id,
        weight: 80_000,
      },
    ]);
    // A last flag change: the stream is ordered by revision, so once the SDK has it, it has everything.
    await patchFlag('flag-0', [
      { kind: 'turnFlagOn' },
      { kind: 'addTargets', values: ['u-sentinel'], variationId: flags.get('flag-0')!.variations[0]._id },
    ]);
    await sdkCaughtUp();

    const contexts = Array.from({ length: CONTEXTS_AFTER_CHANGES }, randomContext);
    const { mismatches } = await compare(contexts);
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(mismatches).toHaveLength(0);
  }, 120_000);
});
