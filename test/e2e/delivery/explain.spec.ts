/**
 * The management explain endpoint: POST /api/v1/projects/{p}/flags/{f}/environments/{e}/evaluate
 * evaluates one flag for a context on the environment's served configuration and shows the path
 * evaluation took. It is a management call: access token, not SDK key.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { factory, type Flag } from '../../support/factories';

const P = 'ex';
const E = 'production';
const URL = `/api/v1/projects/${P}/flags/pricing/environments/${E}/evaluate`;
const PROBLEM_JSON = /^application\/problem\+json/;

describe('explain an evaluation', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let flag: Flag;

  /** `token: null` sends none. */
  const evaluate = (context: unknown, token: string | null = gantry.ownerToken, url = URL) =>
    gantry.raw('POST', url, { token: token ?? undefined, body: { context } });

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: ['staging', E] });
    await factory.segment(api, P, E, { key: 'staff', included: ['u-staff'] });
    flag = await factory.flag(api, P, {
      key: 'pricing',
      variations: ['basic', 'plus', 'premium'],
      defaults: { onVariation: 0, offVariation: 0 },
    });
    const id = (value: string) => flag.variations.find((v) => v.value === value)!._id;
    flag = await factory.patchFlag(api, P, 'pricing', {
      environmentKey: E,
      instructions: [
        { kind: 'turnFlagOn' },
        {
          kind: 'addRule',
          clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['staff'] }],
          variationId: id('premium'),
        },
        {
          kind: 'addRule',
          clauses: [
            { attribute: 'country', op: 'in', values: ['NL'] },
            { attribute: 'age', op: 'greaterThanOrEqual', values: [18] },
          ],
          variationId: id('plus'),
        },
      ],
    });
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  it('returns the value, variation, reason with the rule index, and the trace', async () => {
    const res = await evaluate({ kind: 'user', key: 'u1', country: 'NL', age: 30 });
    expect(res.status).toBe(200);
    const rules = flag.environments[E].rules;
    expect(res.body).toEqual({
      value: 'plus',
      variationIndex: 1,
      reason: { kind: 'RULE_MATCH', ruleIndex: 1, ruleId: rules[1]._id },
      trace: expect.any(Array),
      revision: expect.any(Number),
    });
    const trace = res.body.trace as { step: string; detail: Record<string, unknown> }[];
    expect(trace.length).toBeGreaterThan(0);
    for (const step of trace) expect(step).toEqual({ step: expect.any(String), detail: expect.any(Object) });
    // Both rules were tried, the first (segment) did not match, the second did.
    const ruleSteps = trace.filter((s) => s.step === 'rule');
    expect(ruleSteps.map((s) => s.detail.ruleIndex)).toEqual([0, 1]);
    expect(trace.some((s) => s.step === 'segment')).toBe(true);
  });

  it('explains a fallthrough, a segment match and an off flag', async () => {
    expect((await evaluate({ kind: 'user', key: 'u2', country: 'NL', age: 12 })).body).toMatchObject({
      value: 'basic',
      variationIndex: 0,
      reason: { kind: 'FALLTHROUGH' },
    });
    expect((await evaluate({ kind: 'user', key: 'u-staff' })).body).toMatchObject({
      value: 'premium',
      variationIndex: 2,
      reason: { kind: 'RULE_MATCH', ruleIndex: 0 },
    });
    const staging = await evaluate(
      { kind: 'user', key: 'u1', country: 'NL', age: 30 },
      gantry.ownerToken,
      `/api/v1/projects/${P}/flags/pricing/environments/staging/evaluate`,
    );
    expect(staging.status).toBe(200);
    expect(staging.body).toMatchObject({ value: 'basic', variationIndex: 0, reason: { kind: 'OFF' } });
    expect(staging.body.trace.map((s: { step: string }) => s.step)).toContain('off');
  });

  it('evaluates the configuration being served, so a change shows up', async () => {
    const before = await evaluate({ kind: 'user', key: 'u-new' });
    await factory.patchSegment(api, P, E, 'staff', {
      instructions: [{ kind: 'addIncludedTargets', values: ['u-new'] }],
    });
    const after = await eventually(async () => {
      const res = await evaluate({ kind: 'user', key: 'u-new' });
      expect(res.body.value).toBe('premium');
      return res;
    });
    expect(before.body.value).toBe('basic');
    expect(after.body.revision).toBeGreaterThan(before.body.revision);
  });

  it('refuses an invalid context with a problem document', async () => {
    for (const context of [
      { kind: 'user' },
      { kind: 'kind', key: 'k' },
      { kind: 'a b', key: 'k' },
      { kind: 'multi' },
    ]) {
      const res = await evaluate(context);
      expect({ context, status: res.status, code: res.body?.code }).toEqual({
        context,
        status: 400,
        code: 'evaluation/invalid_context',
      });
      expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({
        type: expect.any(String),
        title: expect.any(String),
        status: 400,
        detail: expect.any(String),
      });
    }
    const notAnObject = await evaluate('u1');
    expect(notAnObject.status).toBe(400);
    expect(notAnObject.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const missing = await gantry.raw('POST', URL, { token: gantry.ownerToken, body: {} });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toMatch(PROBLEM_JSON);
  });

  it('answers 404 for an unknown flag or environment', async () => {
    const flag404 = await evaluate(
      { kind: 'user', key: 'u1' },
      gantry.ownerToken,
      `/api/v1/projects/${P}/flags/nope/environments/${E}/evaluate`,
    );
    expect({ status: flag404.status, code: flag404.body.code }).toEqual({ status: 404, code: 'flag/not_found' });
    const env404 = await evaluate(
      { kind: 'user', key: 'u1' },
      gantry.ownerToken,
      `/api/v1/projects/${P}/flags/pricing/environments/nowhere/evaluate`,
    );
    expect({ status: env404.status, code: env404.body.code }).toEqual({ status: 404, code: 'environment/not_found' });
  });

  it('is allowed to a reader, and refused without a token', async () => {
    const reader = await factory.token(api, { name: 'reader', role: 'reader' });
    const asReader = await evaluate({ kind: 'user', key: 'u1', country: 'NL', age: 30 }, reader.token);
    expect(asReader.status).toBe(200);
    expect(asReader.body).toMatchObject({ value: 'plus', reason: { kind: 'RULE_MATCH', ruleIndex: 1 } });

    const anonymous = await evaluate({ kind: 'user', key: 'u1' }, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(anonymous.body.code).toBe('auth/unauthenticated');
  });
});
