/**
 * In-process evaluation (DESIGN §7): Gantry's evaluator against LaunchDarkly's reference evaluator
 * (`@launchdarkly/js-server-sdk-common`), on the same flags, segments and contexts, in one process.
 * No server, no database. Each case runs in rounds of BENCH_ROUND_MS after a warm-up, the two
 * evaluators alternating round by round; the median round is reported, in µs per evaluation.
 *
 * The reference evaluator is LaunchDarkly's own `Evaluator` class, which the package bundles but
 * does not export: its bundle is compiled once more here with one extra export line (see
 * loadReference). Its API is asynchronous; it is measured the way the SDK uses it, one `await` per
 * evaluation (and, for all flags, the allFlagsState pattern: every flag's callback, then one
 * Promise.all). Its callback form is shown as well, since with an in-memory store it completes
 * synchronously: the difference is what the promise costs.
 */
import { createRequire } from 'node:module';
import Module from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FlagStore,
  evaluateAll,
  evaluateFlag,
  parseContext,
  type SdkFlag,
  type SdkSegment,
} from '../src/core/evaluation';

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const WARMUP_ROUNDS = 2;
const CONTEXTS = 1000;
const ALL_FLAGS = 1000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// ---------------------------------------------------------------- the reference evaluator

interface LdDetail {
  value: unknown;
  variationIndex?: number | null;
  reason: { kind: string };
}
interface LdResult {
  detail: LdDetail;
}
interface LdEvaluator {
  evaluate(flag: unknown, context: unknown): Promise<LdResult>;
  evaluateCb(flag: unknown, context: unknown, cb: (r: LdResult) => void): void;
}
interface LdModule {
  __Evaluator: new (platform: { crypto: unknown }, queries: unknown) => LdEvaluator;
  Context: { fromLDContext(c: unknown): { valid: boolean } };
  reviveFullPayload<T>(payload: T): T;
}

function loadReference(): LdModule {
  const req = createRequire(__filename);
  const file = req.resolve('@launchdarkly/js-server-sdk-common');
  const source = fs.readFileSync(file, 'utf8');
  if (!/\nvar Evaluator = class \{/.test(source)) throw new Error(`no Evaluator class found in ${file}`);
  // A private copy of the bundle: same code, plus one line exporting the Evaluator class.
  type Compilable = Module & { _compile(code: string, filename: string): void; paths: string[]; filename: string };
  const mod = new Module(file, module) as Compilable;
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  mod._compile(`${source}\nmodule.exports.__Evaluator = Evaluator;\n`, file);
  return mod.exports as LdModule;
}

// ---------------------------------------------------------------- flags, segments, contexts

const COUNTRIES = ['us', 'ca', 'gb', 'de', 'fr'];
const PLANS = ['free', 'pro', 'enterprise'];

export function makeContexts(): (Record<string, Json> & { key: string })[] {
  return Array.from({ length: CONTEXTS }, (_, i) => ({
    kind: 'user',
    key: `user-${i}`,
    email: `user${i}@example.com`,
    country: COUNTRIES[i % COUNTRIES.length],
    plan: PLANS[i % PLANS.length],
    age: 18 + (i % 50),
    beta: i % 2 === 0,
    groups: [`g${i % 7}`, `g${i % 11}`],
  }));
}

const bool = { variations: [true, false], offVariation: 1 };
const salt = (key: string) => `${key}-salt`;

/** The rule of case (b): three clauses, every context above matches all three. */
type Clause = NonNullable<NonNullable<SdkFlag['rules']>[number]['clauses']>[number];
const threeClauses = (values: Json[] = COUNTRIES): Clause[] => [
  { attribute: 'country', op: 'in', values, negate: false },
  { attribute: 'email', op: 'endsWith', values: ['@example.com'], negate: false },
  { attribute: 'age', op: 'greaterThanOrEqual', values: [18], negate: false },
];

function segment(key: string, version = 1): SdkSegment {
  return {
    key,
    version,
    salt: salt(key),
    included: Array.from({ length: 20 }, (_, i) => `vip-${key}-${i}`),
    excluded: [],
    rules: [
      {
        id: `${key}-r0`,
        clauses: [
          { attribute: 'plan', op: 'in', values: PLANS, negate: false },
          { attribute: 'country', op: 'in', values: COUNTRIES, negate: false },
        ],
      },
    ],
  };
}

const caseFlags: Record<string, SdkFlag> = {
  static: {
    key: 'static',
    version: 1,
    on: true,
    ...bool,
    fallthrough: { variation: 0 },
    salt: salt('static'),
    targets: [],
    rules: [],
    prerequisites: [],
  },
  rule3: {
    key: 'rule3',
    version: 1,
    on: true,
    ...bool,
    salt: salt('rule3'),
    targets: [],
    prerequisites: [],
    rules: [{ id: 'r0', clauses: threeClauses(), variation: 0, trackEvents: false }],
    fallthrough: { variation: 1 },
  },
  rollout: {
    key: 'rollout',
    version: 1,
    on: true,
    variations: ['a', 'b', 'c'],
    offVariation: 0,
    salt: salt('rollout'),
    targets: [],
    rules: [],
    prerequisites: [],
    fallthrough: {
      rollout: {
        variations: [
          { variation: 0, weight: 33333 },
          { variation: 1, weight: 33333 },
          { variation: 2, weight: 33334 },
        ],
      },
    },
  },
  segment: {
    key: 'segment',
    version: 1,
    on: true,
    ...bool,
    salt: salt('segment'),
    targets: [],
    prerequisites: [],
    rules: [
      {
        id: 'r0',
        clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['beta-testers'], negate: false }],
        variation: 0,
        trackEvents: false,
      },
    ],
    fallthrough: { variation: 1 },
  },
};
const caseSegments: Record<string, SdkSegment> = { 'beta-testers': segment('beta-testers') };

/** 1,000 flags of mixed shapes, with 20 segments. */
export function manyFlags(): { flags: Record<string, SdkFlag>; segments: Record<string, SdkSegment> } {
  const flags: Record<string, SdkFlag> = {};
  const segments: Record<string, SdkSegment> = {};
  for (let s = 0; s < 20; s++) segments[`seg-${s}`] = segment(`seg-${s}`);
  const variationsFor = (i: number): Json[] =>
    [
      [true, false],
      ['red', 'green', 'blue'],
      [1, 2, 3],
      [
        { tier: 'a', limit: 10 },
        { tier: 'b', limit: 20 },
      ],
    ][i % 4];
  for (let i = 0; i < ALL_FLAGS; i++) {
    const key = `flag-${String(i).padStart(4, '0')}`;
    const variations = variationsFor(i);
    const base = {
      key,
      version: 1 + (i % 5),
      on: true,
      variations,
      offVariation: variations.length - 1,
      salt: salt(key),
      targets: [],
      rules: [],
      prerequisites: [],
    } as SdkFlag;
    const rollout = {
      rollout: {
        variations: variations.map((_, v) => ({
          variation: v,
          weight:
            v === 0
              ? 100000 - (variations.length - 1) * Math.floor(100000 / variations.length)
              : Math.floor(100000 / variations.length),
        })),
      },
    };
    switch (i % 10) {
      case 0:
      case 1: // static
        flags[key] = { ...base, fallthrough: { variation: 0 } };
        break;
      case 2:
      case 3: // 3-clause rule: matching on even flags, not matching on odd ones
        flags[key] = {
          ...base,
          rules: [
            {
              id: `${key}-r0`,
              clauses: threeClauses(i % 2 === 0 ? COUNTRIES : ['jp', 'br']),
              variation: 0,
              trackEvents: false,
            },
          ],
          fallthrough: { variation: 1 },
        };
        break;
      case 4: // percentage rollout in the fallthrough
        flags[key] = { ...base, fallthrough: rollout };
        break;
      case 5: // a non-matching rule, then a rule serving a rollout
        flags[key] = {
          ...base,
          rules: [
            {
              id: `${key}-r0`,
              clauses: [{ attribute: 'plan', op: 'in', values: ['trial'], negate: false }],
              variation: 1,
              trackEvents: false,
            },
            {
              id: `${key}-r1`,
              clauses: [{ attribute: 'beta', op: 'in', values: [true], negate: false }],
              ...rollout,
              trackEvents: false,
            },
          ],
          fallthrough: { variation: 0 },
        };
        break;
      case 6: // segment match
        flags[key] = {
          ...base,
          rules: [
            {
              id: `${key}-r0`,
              clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: [`seg-${i % 20}`], negate: false }],
              variation: 0,
              trackEvents: false,
            },
          ],
          fallthrough: { variation: 1 },
        };
        break;
      case 7: // individual targets, then a startsWith rule
        flags[key] = {
          ...base,
          targets: [{ values: Array.from({ length: 20 }, (_, t) => `user-${(i + t * 37) % CONTEXTS}`), variation: 1 }],
          rules: [
            {
              id: `${key}-r0`,
              clauses: [{ attribute: 'email', op: 'startsWith', values: ['user1', 'user2'], negate: false }],
              variation: 0,
              trackEvents: false,
            },
          ],
          fallthrough: { variation: variations.length - 1 },
        };
        break;
      case 8: // off
        flags[key] = { ...base, on: false, fallthrough: { variation: 0 } };
        break;
      default: // a prerequisite on a static flag, then a contains rule on a list attribute
        flags[key] = {
          ...base,
          prerequisites: [{ key: `flag-${String(i - 9).padStart(4, '0')}`, variation: 0 }],
          rules: [
            {
              id: `${key}-r0`,
              clauses: [{ attribute: 'groups', op: 'in', values: ['g3', 'g5'], negate: false }],
              variation: 0,
              trackEvents: false,
            },
          ],
          fallthrough: { variation: 1 },
        };
    }
  }
  return { flags, segments };
}

// ---------------------------------------------------------------- timing

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One round: batches of `batch` operations until ROUND_MS has passed; returns µs per operation. */
async function round(run: (n: number) => Promise<void> | void, batch: number): Promise<number> {
  let ops = 0;
  const t0 = process.hrtime.bigint();
  const limit = BigInt(ROUND_MS) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < limit) {
    await run(batch);
    ops += batch;
    elapsed = process.hrtime.bigint() - t0;
  }
  return Number(elapsed) / 1000 / ops;
}

interface Contender {
  name: string;
  run: (n: number) => Promise<void> | void;
}

/** Warm-up rounds, then ROUNDS timed rounds with the contenders alternating; median µs/op of each. */
async function measure(contenders: Contender[], batch: number): Promise<number[]> {
  for (let w = 0; w < WARMUP_ROUNDS; w++) for (const c of contenders) await round(c.run, batch);
  const times = contenders.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    for (let c = 0; c < contenders.length; c++) times[c].push(await round(contenders[c].run, batch));
  }
  return times.map(median);
}

// ---------------------------------------------------------------- main

let sink = 0; // results feed this so nothing is optimised away

async function main() {
  const load0 = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const ld = loadReference();
  const rawContexts = makeContexts();
  const gContexts = rawContexts.map((c) => {
    const parsed = parseContext(c);
    if (!parsed.ok) throw new Error(`context rejected: ${parsed.error}`);
    return parsed.context;
  });
  const lContexts = rawContexts.map((c) => ld.Context.fromLDContext(c));
  if (lContexts.some((c) => !c.valid)) throw new Error('the reference rejected a context');

  /** Both evaluators get their own deep copy: the reference's loader annotates the objects it is given. */
  const build = (data: { flags: Record<string, SdkFlag>; segments: Record<string, SdkSegment> }) => {
    const store = FlagStore.from(structuredClone(data));
    const ldData = ld.reviveFullPayload(structuredClone(data)) as {
      flags: Record<string, unknown>;
      segments: Record<string, unknown>;
    };
    const queries = {
      getFlag: (key: string, cb: (f: unknown) => void) => cb(ldData.flags[key]),
      getSegment: (key: string, cb: (s: unknown) => void) => cb(ldData.segments[key]),
      getBigSegmentsMembership: () => Promise.resolve(undefined),
    };
    return { store, ldData, evaluator: new ld.__Evaluator({ crypto }, queries) };
  };
  const single = build({ flags: caseFlags, segments: caseSegments });
  const many = build(manyFlags());
  const manyKeys = Object.keys(many.ldData.flags);

  // The reference's allFlagsState: a callback per flag, gathered with Promise.all (its allAsync).
  const ldAll = (ctx: unknown) =>
    Promise.all(
      manyKeys.map(
        (k) =>
          new Promise<[string, LdDetail]>((resolve) =>
            many.evaluator.evaluateCb(many.ldData.flags[k], ctx, (r) => resolve([k, r.detail])),
          ),
      ),
    ).then((entries) => Object.fromEntries(entries));

  // ---- agreement: the same answers, or the comparison means nothing
  let compared = 0;
  const mismatches: string[] = [];
  const same = (
    what: string,
    g: { value: unknown; variationIndex: number | null; reason: { kind: string } },
    l: LdDetail,
  ) => {
    compared += 1;
    const lv = l.variationIndex ?? null;
    if (
      g.variationIndex !== lv ||
      JSON.stringify(g.value) !== JSON.stringify(l.value ?? null) ||
      g.reason.kind !== l.reason.kind
    ) {
      if (mismatches.length < 5)
        mismatches.push(`${what}: gantry ${JSON.stringify(g)} vs reference ${JSON.stringify(l)}`);
      else mismatches.push('');
    }
  };
  for (const key of Object.keys(caseFlags)) {
    for (let i = 0; i < CONTEXTS; i++) {
      same(
        `${key} ${rawContexts[i].key}`,
        evaluateFlag(single.store, key, gContexts[i]),
        (await single.evaluator.evaluate(single.ldData.flags[key], lContexts[i])).detail,
      );
    }
  }
  for (let i = 0; i < CONTEXTS; i += 20) {
    const g = evaluateAll(many.store, gContexts[i]);
    const l = await ldAll(lContexts[i]);
    for (const k of manyKeys)
      same(
        `${k} ${rawContexts[i].key}`,
        g[k] ?? { value: null, variationIndex: null, reason: { kind: 'MISSING' } },
        l[k],
      );
  }
  // The reference's callback form completes synchronously with an in-memory store; check, since the "callback" column relies on it.
  let syncCb = true;
  for (const key of Object.keys(caseFlags)) {
    let called = false;
    single.evaluator.evaluateCb(single.ldData.flags[key], lContexts[0], () => (called = true));
    syncCb &&= called;
  }

  // ---- timing
  const cases: { label: string; key?: string; target: string; check: (g: number, l: number) => boolean }[] = [
    {
      label: '(a) static flag (on, fixed fallthrough)',
      key: 'static',
      target: 'faster than reference',
      check: (g, l) => g < l,
    },
    {
      label: '(b) rule with 3 clauses, matching',
      key: 'rule3',
      target: '≤ 1 µs/op, faster than reference',
      check: (g, l) => g <= 1 && g < l,
    },
    {
      label: '(c) percentage rollout (3 variations)',
      key: 'rollout',
      target: 'faster than reference',
      check: (g, l) => g < l,
    },
    {
      label: '(d) segment match (segment with rules)',
      key: 'segment',
      target: 'faster than reference',
      check: (g, l) => g < l,
    },
    {
      label: `(e) all ${ALL_FLAGS} flags, one context`,
      target: '≤ 1,000 µs/op, faster than reference',
      check: (g, l) => g <= 1000 && g < l,
    },
  ];
  const rows: string[][] = [];
  let ci = 0;
  const nextCtx = () => (ci = ci + 1 === CONTEXTS ? 0 : ci + 1);
  for (const c of cases) {
    let contenders: Contender[];
    let batch: number;
    if (c.key) {
      const key = c.key;
      const lflag = single.ldData.flags[key];
      const onResult = (r: LdResult) => (sink += r.detail.variationIndex ?? 0);
      contenders = [
        {
          name: 'gantry',
          run: (n) => {
            for (let i = 0; i < n; i++)
              sink += evaluateFlag(single.store, key, gContexts[nextCtx()]).variationIndex ?? 0;
          },
        },
        {
          name: 'reference, await',
          run: async (n) => {
            for (let i = 0; i < n; i++) onResult(await single.evaluator.evaluate(lflag, lContexts[nextCtx()]));
          },
        },
        {
          name: 'reference, callback',
          run: (n) => {
            for (let i = 0; i < n; i++) single.evaluator.evaluateCb(lflag, lContexts[nextCtx()], onResult);
          },
        },
      ];
      batch = 1000;
    } else {
      contenders = [
        {
          name: 'gantry',
          run: (n) => {
            for (let i = 0; i < n; i++) sink += Object.keys(evaluateAll(many.store, gContexts[nextCtx()])).length;
          },
        },
        {
          name: 'reference, await',
          run: async (n) => {
            for (let i = 0; i < n; i++) sink += Object.keys(await ldAll(lContexts[nextCtx()])).length;
          },
        },
      ];
      batch = 1;
    }
    const [g, l, lcb] = await measure(contenders, batch);
    rows.push([
      c.label,
      fmt(g),
      fmt(l),
      lcb === undefined ? '—' : fmt(lcb),
      `${(l / g).toFixed(1)}×`,
      `${c.target}: ${c.check(g, l) ? 'met' : 'NOT MET'}`,
    ]);
  }
  // Context parsing is not in the figures above (contexts are parsed once); every OFREP request pays it.
  const parse = await measure(
    [
      {
        name: 'gantry',
        run: (n) => {
          for (let i = 0; i < n; i++) sink += parseContext(rawContexts[nextCtx()]).ok ? 1 : 0;
        },
      },
      {
        name: 'reference',
        run: (n) => {
          for (let i = 0; i < n; i++) sink += ld.Context.fromLDContext(rawContexts[nextCtx()]).valid ? 1 : 0;
        },
      },
    ],
    1000,
  );
  rows.push([
    '(f) parse a context (info)',
    fmt(parse[0]),
    fmt(parse[1]),
    '—',
    `${(parse[1] / parse[0]).toFixed(1)}×`,
    '—',
  ]);

  console.log(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ` +
      `load average at start ${load0}`,
  );
  console.log(
    `in-process evaluation, µs per evaluation, median of ${ROUNDS} rounds of ${ROUND_MS} ms ` +
      `after ${WARMUP_ROUNDS} warm-up rounds; ${CONTEXTS} contexts in rotation`,
  );
  console.log(
    'reference = @launchdarkly/js-server-sdk-common Evaluator; "await" = one awaited evaluate() per evaluation, ' +
      'as the SDK calls it (for (e): its allFlagsState loop);',
  );
  const syncNote = syncCb ? 'checked' : 'NOT synchronous here: ignore that column';
  console.log(
    `"callback" = evaluateCb, which completes synchronously with an in-memory store (${syncNote}). ` +
      'ratio = reference (await) / gantry.',
  );
  printTable(['case', 'gantry', 'reference, await', 'reference, callback', 'ratio', 'target'], rows);
  console.log(
    `results agree: ${mismatches.length === 0 ? 'yes' : `NO, ${mismatches.length} differ`} (${compared} evaluations compared)`,
  );
  for (const m of mismatches.filter(Boolean)) console.log(`  ${m}`);
  if (sink === -1) console.log(sink);
}

const fmt = (us: number) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(3));

function printTable(head: string[], rows: string[][]) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    '  ' +
    cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
