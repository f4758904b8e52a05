/**
 * Cross-check of the data layer, independent of our evaluator: the real Node server SDK (the
 * behaviour protocols.md §2 follows), fed the normalised sdkData through its TestData source, must
 * pass every expanded case with the same comparison the conformance runner makes. If this fails,
 * suspect ld-eval-data.ts (expansion, normalisation, default/valueType), not src/core/evaluation.
 */
import { basicLogger, init, integrations, type LDClient, type LDContext } from '@launchdarkly/node-server-sdk';
import { isDeepStrictEqual } from 'node:util';
import {
  effectiveDefault,
  effectiveValueType,
  loadLdEvalSuites,
  type LdEvalSuite,
  type LdEvaluation,
} from './ld-eval-data';

type Preconfigured = Parameters<InstanceType<typeof integrations.TestData>['usePreconfiguredFlag']>[0];

async function client(suite: LdEvalSuite): Promise<LDClient> {
  const td = new integrations.TestData();
  for (const f of Object.values(suite.sdkData.flags))
    await td.usePreconfiguredFlag(structuredClone(f) as Preconfigured);
  for (const s of Object.values(suite.sdkData.segments))
    await td.usePreconfiguredSegment(structuredClone(s) as Preconfigured);
  const c = init('sdk-key', {
    updateProcessor: td.getFactory(),
    sendEvents: false,
    logger: basicLogger({ level: 'none' }),
  });
  await c.waitForInitialization({ timeout: 5 });
  return c;
}

const detail = (d: { value: unknown; variationIndex?: number | null; reason: object }) => ({
  value: d.value,
  variationIndex: d.variationIndex ?? null,
  reason: Object.fromEntries(Object.entries(d.reason).filter(([, v]) => v !== undefined)),
});

async function problems(c: LDClient, suite: LdEvalSuite, ev: LdEvaluation): Promise<string[]> {
  const ctx = ev.context as unknown as LDContext;
  const def = effectiveDefault(suite, ev);
  const vt = effectiveValueType(suite, ev);
  const want = { value: ev.expect.value, variationIndex: ev.expect.variationIndex ?? null, reason: ev.expect.reason };
  const out: string[] = [];
  if (suite.requireCapability !== 'strongly-typed') {
    const d = detail(await c.variationDetail(ev.flagKey, ctx, def));
    if (!isDeepStrictEqual(d, want)) out.push(`variationDetail ${JSON.stringify(d)}`);
  }
  const typed =
    vt === 'bool'
      ? await c.boolVariationDetail(ev.flagKey, ctx, def as boolean)
      : vt === 'int' || vt === 'double'
        ? await c.numberVariationDetail(ev.flagKey, ctx, def as number)
        : vt === 'string'
          ? await c.stringVariationDetail(ev.flagKey, ctx, def as string)
          : await c.jsonVariationDetail(ev.flagKey, ctx, def);
  if (!isDeepStrictEqual(detail(typed), want)) out.push(`${vt} variation detail ${JSON.stringify(detail(typed))}`);
  if (!suite.skipEvaluateAllFlags) {
    const all = (await c.allFlagsState(ctx)).allValues();
    const got = Object.prototype.hasOwnProperty.call(all, ev.flagKey) ? all[ev.flagKey] : null;
    if (!isDeepStrictEqual(got, ev.expect.variationIndex === undefined ? null : ev.expect.value))
      out.push(`allFlagsState ${JSON.stringify(got)}`);
  }
  return out.map((p) => `${suite.file} › ${suite.name} › ${ev.name}: want ${JSON.stringify(want)}, got ${p}`);
}

describe('LaunchDarkly eval data: reference Node SDK', () => {
  it('passes all 728 expanded evaluations', async () => {
    const failures: string[] = [];
    let evaluated = 0;
    for (const suite of loadLdEvalSuites()) {
      const c = await client(suite);
      try {
        for (const ev of suite.evaluations) {
          evaluated++;
          failures.push(...(await problems(c, suite, ev)));
        }
      } finally {
        c.close();
      }
    }
    expect(evaluated).toBe(728);
    expect(failures).toEqual([]);
  });
});
