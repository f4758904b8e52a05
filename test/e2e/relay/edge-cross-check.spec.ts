/**
 * An edge node answers OFREP exactly as the API node it relays from, on the cross-check corpus
 * (test/support/cross-check/corpus.ts: every value type, targets, rules with every operator,
 * rollouts, prerequisites, nested segments): the same status and the same bytes for the bulk
 * evaluation and for every flag alone, for random contexts; and again once random changes to the
 * flags and segments have reached it over its feed.
 */
import { startEdge, startGantry, type Gantry, type GantryNode } from '../../support/app-harness';
import { CrossCheckCorpus, E, type TestContext } from '../../support/cross-check/corpus';
import { ofrepContext, pool } from '../../support/cross-check/ofrep-answers';
import { eventually, sdkKeyOf } from '../../support/delivery';

const P = 'xedge';
const CONTEXTS = 100;
const CONTEXTS_AFTER_CHANGES = 50;

describe('an edge and its API node agree on OFREP over the cross-check corpus', () => {
  let gantry: Gantry;
  let edge: GantryNode;
  let sdkKey: string;
  let corpus: CrossCheckCorpus;

  beforeAll(async () => {
    gantry = await startGantry();
    const api = gantry.client(gantry.ownerToken);
    corpus = new CrossCheckCorpus(api, P);
    await corpus.generate();
    sdkKey = await sdkKeyOf(api, P, E);
    const credential = await gantry.raw<{ token: string }>('POST', '/api/v1/relay-credentials', {
      token: gantry.ownerToken,
      body: { name: 'cross-check edge', scope: [{ project: P, environments: ['*'] }] },
    });
    edge = await startEdge(gantry, gantry.baseUrl, credential.body.token);
  }, 120_000);

  afterAll(() => gantry?.stop());

  /** One OFREP call on one node (`flags` is the bulk evaluation, `flags/{key}` one flag): its status and body. */
  const ask = (base: string, path: string, ctx: TestContext) =>
    fetch(`${base}/ofrep/v1/evaluate/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context: ofrepContext(ctx) }),
    }).then(async (r) => `${r.status} ${await r.text()}`);

  /** Waits until the edge answers `path` for `ctx` as the API node does (it has caught up to there). */
  const caughtUp = (path: string, ctx: TestContext) =>
    eventually(async () => expect(await ask(edge.baseUrl, path, ctx)).toBe(await ask(gantry.baseUrl, path, ctx)), {
      timeoutMs: 15_000,
    });

  /**
   * Every call where the two nodes answered differently, for the bulk evaluation and each flag, and
   * the reasons the bulk answers gave (so a comparison of empty answers cannot pass).
   */
  async function compare(contexts: TestContext[]): Promise<{ found: string[]; reasons: Set<string> }> {
    const paths = ['flags', ...[...corpus.flags.keys()].map((key) => `flags/${key}`)];
    const out: string[] = [];
    const reasons = new Set<string>();
    await pool(
      contexts.flatMap((ctx) => paths.map((path) => ({ ctx, path }))),
      8,
      async ({ ctx, path }) => {
        const [fromEdge, fromApi] = await Promise.all([ask(edge.baseUrl, path, ctx), ask(gantry.baseUrl, path, ctx)]);
        if (fromEdge !== fromApi)
          out.push(`${path} for ${JSON.stringify(ofrepContext(ctx))}: edge ${fromEdge} · API ${fromApi}`);
        if (path === 'flags' && fromApi.startsWith('200 '))
          for (const f of (JSON.parse(fromApi.slice(4)) as { flags: { reason: string }[] }).flags)
            reasons.add(f.reason);
      },
    );
    return { found: out, reasons };
  }

  it(`answers the bulk evaluation and every flag alike for ${CONTEXTS} random contexts`, async () => {
    // The edge serves once it has its first snapshot of the environment.
    await caughtUp('flags', { kind: 'user', key: 'probe', attributes: {} });
    const { found, reasons } = await compare(Array.from({ length: CONTEXTS }, () => corpus.randomContext()));
    expect(found.slice(0, 10)).toEqual([]);
    expect([...reasons].sort()).toEqual(['DISABLED', 'SPLIT', 'STATIC', 'TARGETING_MATCH']);
  }, 120_000);

  it('still answers alike once random changes have reached the edge over its feed', async () => {
    await corpus.change();
    // flag-0's sentinel target is the last change: the feed is ordered, so the edge then has them all.
    await caughtUp('flags/flag-0', { kind: 'user', key: 'u-sentinel', attributes: {} });
    const { found } = await compare(Array.from({ length: CONTEXTS_AFTER_CHANGES }, () => corpus.randomContext()));
    expect(found.slice(0, 10)).toEqual([]);
  }, 120_000);
});
