/**
 * Cross-check: the LaunchDarkly Node SDK, evaluating locally on what Gantry streams to it, and
 * Gantry's own evaluator behind OFREP (single and bulk) must agree on every value and variation.
 *
 * The project is the cross-check corpus (test/support/cross-check/corpus.ts), generated through the
 * management API from a fixed seed. Many random contexts are evaluated on both sides; then the
 * configuration changes while the SDK is streaming and the comparison runs again.
 */
import type { LDClient, LDEvaluationDetail } from '@launchdarkly/node-server-sdk';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { CrossCheckCorpus, E, FLAGS, type TestContext } from '../../support/cross-check/corpus';
import { ofrepContext, pool, sameJson, type OfrepAnswer } from '../../support/cross-check/ofrep-answers';
import { eventually, ldClient, sdkKeyOf } from '../../support/delivery';
import type { Flag } from '../../support/factories';

const P = 'xcheck';
const CONTEXTS = 300;
const CONTEXTS_AFTER_CHANGES = 150;

describe('LaunchDarkly SDK and OFREP agree', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let sdkKey: string;
  let ld: LDClient;
  let corpus: CrossCheckCorpus;

  const ofrepPost = async (path: string, ctx: TestContext) => {
    const res = await fetch(`${gantry.baseUrl}/ofrep/v1/evaluate/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context: ofrepContext(ctx) }),
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

  /** Evaluates every flag for every context on both sides; returns the mismatches and what was covered. */
  async function compare(contexts: TestContext[]) {
    const mismatches: string[] = [];
    const reasons = new Set<string>();
    /** Operators (with negation) of the rules that matched. */
    const matchedOps = new Set<string>();
    const ofrepReasons = new Set<string>();
    const keys = [...corpus.flags.keys()];
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
        const flag = corpus.flags.get(keys[k])!;
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
    const expected = Object.fromEntries([...corpus.flags.values()].map((f) => [f.key, f.environments[E].version]));
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

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    corpus = new CrossCheckCorpus(api, P);
    await corpus.generate();
    sdkKey = await sdkKeyOf(api, P, E);

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
    const contexts = Array.from({ length: CONTEXTS }, () => corpus.randomContext());
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
    await corpus.change();
    await sdkCaughtUp();

    const contexts = Array.from({ length: CONTEXTS_AFTER_CHANGES }, () => corpus.randomContext());
    const { mismatches } = await compare(contexts);
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(mismatches).toHaveLength(0);
  }, 120_000);
});
