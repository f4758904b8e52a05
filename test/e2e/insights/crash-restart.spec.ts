/**
 * Evaluation counts survive an API node crashing in the middle of ingestion: what was flushed stays,
 * what the dead node held in memory is lost (at most one flush interval, the documented design), and
 * nothing is ever counted twice. Each request counts 3 evaluations of variation 1 and 1 of variation
 * 0 in one summary, so a batch written in part would break the 3:1 ratio.
 */
import { startGantry, startSecondNode, type Gantry, type GantryNode } from '../../support/app-harness';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory } from '../../support/factories';

describe('evaluation counts across an API node crash', () => {
  let g: Gantry;
  let sdkKey: string;
  let envId: string;
  const FLAG = 'crash-counted';

  beforeAll(async () => {
    g = await startGantry();
    const owner = g.client(g.ownerToken);
    await factory.project(owner, { key: 'crash', environments: ['production'] });
    await factory.flag(owner, 'crash', { key: FLAG });
    sdkKey = await sdkKeyOf(owner, 'crash', 'production');
    [{ id: envId }] = await g.sql<{ id: string }>(
      `SELECT "id"::text AS id FROM "Environment" WHERE "key" = 'production'`,
    );
  });
  afterAll(() => g?.stop());

  const summary = () => [
    {
      kind: 'summary',
      startDate: Date.now() - 1_000,
      endDate: Date.now(),
      features: {
        [FLAG]: {
          default: false,
          counters: [
            { variation: 1, version: 1, value: true, count: 3 },
            { variation: 0, version: 1, value: false, count: 1 },
          ],
        },
      },
    },
  ];
  /** Sends `n` summaries at once; how many the node acknowledged (202). */
  const send = async (node: GantryNode, n: number) => {
    const answers = await Promise.allSettled(
      Array.from({ length: n }, () =>
        node.raw('POST', '/bulk', { headers: { authorization: sdkKey }, body: summary() }),
      ),
    );
    return answers.filter((a) => a.status === 'fulfilled' && a.value.status === 202).length;
  };
  const counted = async () => {
    const rows = await g.sql<{ variation: number; n: number }>(
      `SELECT "variation", sum("count")::int AS n FROM "FlagEvaluationCount"
       WHERE "environmentId" = $1 AND "flagKey" = $2 AND "period" = 'minute' GROUP BY 1`,
      [envId, FLAG],
    );
    const of = (v: number) => rows.find((r) => r.variation === v)?.n ?? 0;
    return { v1: of(1), v0: of(0) };
  };

  it('keeps what was flushed, loses at most what the dead node held, and counts nothing twice', async () => {
    const first = await startSecondNode(g, { env: { GANTRY_INSIGHTS_FLUSH_MS: '250' } });
    expect(await send(first, 20)).toBe(20);
    await eventually(async () => expect(await counted()).toEqual({ v1: 60, v0: 20 }), { timeoutMs: 15_000 });

    // A burst in flight when the node is killed: some answered, some not, some flushed, some lost.
    const burst = send(first, 30);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await first.kill();
    const acknowledgedInBurst = await burst;

    // A new node takes the traffic and stops gracefully (it flushes on shutdown).
    const second = await startSecondNode(g, { env: { GANTRY_INSIGHTS_FLUSH_MS: '600000' } });
    expect(await send(second, 10)).toBe(10);
    await second.stop();

    const { v1, v0 } = await counted();
    expect(v1).toBe(3 * v0); // batches are written whole
    expect(v0).toBeGreaterThanOrEqual(20 + 10); // the flushed first part and the graceful node's
    expect(v0).toBeLessThanOrEqual(20 + acknowledgedInBurst + 10); // never more than was acknowledged
  });
});
