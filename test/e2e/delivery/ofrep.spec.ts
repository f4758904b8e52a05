/**
 * OFREP (protocols.md §4) through the real OpenFeature server SDK (1.23.0) with the OFREP provider
 * (0.1.3): typed evaluations with their details and the LaunchDarkly -> OFREP reason mapping,
 * errors as the provider surfaces them; then the raw HTTP surface: the bulk endpoint with its ETag,
 * and the X-API-Key header.
 */
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { sdkKeyOf } from '../../support/delivery';
import { factory, type Flag, type Instruction } from '../../support/factories';

const P = 'of';
const E = 'production';
const ALL_FLAGS = ['bool-static', 'bool-off', 'str-rule', 'str-target', 'num-split', 'obj-flag', 'gated'];

describe('OFREP', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let sdkKey: string;
  let of: Client;
  const flags: Record<string, Flag> = {};

  const vid = (flagKey: string, value: unknown) =>
    flags[flagKey].variations.find((v) => JSON.stringify(v.value) === JSON.stringify(value))!._id;
  const patch = (flagKey: string, instructions: Instruction[]) =>
    factory.patchFlag(api, P, flagKey, { environmentKey: E, instructions });
  const version = (flagKey: string) => flags[flagKey].environments[E].version;

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: [E] });
    sdkKey = await sdkKeyOf(api, P, E);

    flags['bool-static'] = await factory.flag(api, P, { key: 'bool-static' });
    flags['bool-off'] = await factory.flag(api, P, { key: 'bool-off' });
    flags['str-rule'] = await factory.flag(api, P, {
      key: 'str-rule',
      variations: ['red', 'green', 'blue'],
      defaults: { onVariation: 2, offVariation: 0 },
    });
    flags['str-target'] = await factory.flag(api, P, {
      key: 'str-target',
      variations: ['red', 'green', 'blue'],
      defaults: { onVariation: 2, offVariation: 0 },
    });
    flags['num-split'] = await factory.flag(api, P, { key: 'num-split', variations: [1, 2.5, 10] });
    flags['obj-flag'] = await factory.flag(api, P, {
      key: 'obj-flag',
      variations: [{ theme: 'dark', size: 2 }, { theme: 'light' }],
    });
    flags.gated = await factory.flag(api, P, { key: 'gated' });

    flags['bool-static'] = await patch('bool-static', [{ kind: 'turnFlagOn' }]);
    flags['str-rule'] = await patch('str-rule', [
      { kind: 'turnFlagOn' },
      {
        kind: 'addRule',
        clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }],
        variationId: vid('str-rule', 'green'),
      },
      {
        kind: 'addRule',
        clauses: [{ attribute: 'beta', op: 'in', values: [true] }],
        rolloutWeights: { [vid('str-rule', 'red')]: 50_000, [vid('str-rule', 'green')]: 50_000 },
      },
    ]);
    flags['str-target'] = await patch('str-target', [
      { kind: 'turnFlagOn' },
      { kind: 'addTargets', values: ['u-vip'], variationId: vid('str-target', 'red') },
      { kind: 'addTargets', contextKind: 'org', values: ['acme'], variationId: vid('str-target', 'green') },
    ]);
    flags['num-split'] = await patch('num-split', [
      { kind: 'turnFlagOn' },
      {
        kind: 'updateFallthroughVariationOrRollout',
        rolloutWeights: { [vid('num-split', 1)]: 50_000, [vid('num-split', 2.5)]: 50_000, [vid('num-split', 10)]: 0 },
      },
    ]);
    flags['obj-flag'] = await patch('obj-flag', [{ kind: 'turnFlagOn' }]);
    // On, but its prerequisite (bool-off) is off: PREREQUISITE_FAILED -> DISABLED, off variation.
    flags.gated = await patch('gated', [
      { kind: 'turnFlagOn' },
      { kind: 'addPrerequisite', key: 'bool-off', variationId: vid('bool-off', true) },
    ]);

    await OpenFeature.setProviderAndWait(
      new OFREPProvider({ baseUrl: gantry.baseUrl, headers: { Authorization: `Bearer ${sdkKey}` } }),
    );
    of = OpenFeature.getClient();
  });

  afterAll(async () => {
    await OpenFeature.close();
    await gantry?.stop();
  });

  describe('through the OpenFeature SDK and the OFREP provider', () => {
    it('boolean: fallthrough to a fixed variation is STATIC, an off flag is DISABLED', async () => {
      expect(await of.getBooleanDetails('bool-static', false, { targetingKey: 'u1' })).toEqual({
        flagKey: 'bool-static',
        value: true,
        variant: '0',
        reason: 'STATIC',
        flagMetadata: { version: version('bool-static') },
      });
      expect(await of.getBooleanDetails('bool-off', true, { targetingKey: 'u1' })).toMatchObject({
        value: false,
        variant: '1',
        reason: 'DISABLED',
      });
      expect(await of.getBooleanValue('bool-off', true, { targetingKey: 'u1' })).toBe(false);
    });

    it('a failed prerequisite is DISABLED and serves the off variation', async () => {
      expect(await of.getBooleanDetails('gated', true, { targetingKey: 'u1' })).toMatchObject({
        value: false,
        variant: '1',
        reason: 'DISABLED',
      });
    });

    it('string: a rule with a fixed variation is TARGETING_MATCH, a rule with a rollout SPLIT, no match STATIC', async () => {
      expect(await of.getStringDetails('str-rule', 'none', { targetingKey: 'u1', plan: 'pro' })).toMatchObject({
        value: 'green',
        variant: '1',
        reason: 'TARGETING_MATCH',
      });
      expect(await of.getStringDetails('str-rule', 'none', { targetingKey: 'u1', plan: 'free' })).toMatchObject({
        value: 'blue',
        variant: '2',
        reason: 'STATIC',
      });
      const split = await of.getStringDetails('str-rule', 'none', { targetingKey: 'u1', beta: true });
      expect(split.reason).toBe('SPLIT');
      expect(['red', 'green']).toContain(split.value);
      expect(split.variant).toBe(String(['red', 'green', 'blue'].indexOf(split.value)));
    });

    it('string: individual targets, of the user kind and of another kind, are TARGETING_MATCH', async () => {
      expect(await of.getStringDetails('str-target', 'none', { targetingKey: 'u-vip' })).toMatchObject({
        value: 'red',
        variant: '0',
        reason: 'TARGETING_MATCH',
      });
      expect(await of.getStringDetails('str-target', 'none', { targetingKey: 'acme', kind: 'org' })).toMatchObject({
        value: 'green',
        variant: '1',
        reason: 'TARGETING_MATCH',
      });
      // The same key as a user is not the org target.
      expect(await of.getStringDetails('str-target', 'none', { targetingKey: 'acme' })).toMatchObject({
        value: 'blue',
        reason: 'STATIC',
      });
    });

    it('number: a percentage rollout is SPLIT, and each context keeps its bucket', async () => {
      const seen = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const details = await of.getNumberDetails('num-split', -1, { targetingKey: `user-${i}` });
        expect(details.reason).toBe('SPLIT');
        expect([1, 2.5]).toContain(details.value);
        expect(details.variant).toBe(String([1, 2.5, 10].indexOf(details.value)));
        expect(await of.getNumberValue('num-split', -1, { targetingKey: `user-${i}` })).toBe(details.value);
        seen.add(details.value);
      }
      expect([...seen].sort()).toEqual([1, 2.5]); // 20 contexts at 50/50: both buckets occur
    });

    it('object: the JSON value is served as is', async () => {
      expect(await of.getObjectDetails('obj-flag', {}, { targetingKey: 'u1' })).toMatchObject({
        value: { theme: 'dark', size: 2 },
        variant: '0',
        reason: 'STATIC',
      });
    });

    it('an unknown flag is FLAG_NOT_FOUND and the code default is used', async () => {
      expect(await of.getBooleanDetails('no-such-flag', true, { targetingKey: 'u1' })).toMatchObject({
        value: true,
        reason: 'ERROR',
        errorCode: 'FLAG_NOT_FOUND',
      });
    });

    it('a missing targeting key is TARGETING_KEY_MISSING', async () => {
      expect(await of.getBooleanDetails('bool-static', false, { plan: 'pro' })).toMatchObject({
        value: false,
        reason: 'ERROR',
        errorCode: 'TARGETING_KEY_MISSING',
      });
    });

    it('an invalid context kind is INVALID_CONTEXT', async () => {
      expect(await of.getBooleanDetails('bool-static', false, { targetingKey: 'u1', kind: 'a b' })).toMatchObject({
        value: false,
        reason: 'ERROR',
        errorCode: 'INVALID_CONTEXT',
      });
    });

    it('a value of another type than the default is TYPE_MISMATCH', async () => {
      expect(await of.getStringDetails('bool-static', 'none', { targetingKey: 'u1' })).toMatchObject({
        value: 'none',
        reason: 'ERROR',
        errorCode: 'TYPE_MISMATCH',
      });
    });
  });

  describe('raw HTTP', () => {
    const bearer = () => ({ authorization: `Bearer ${sdkKey}` });
    const bulk = (context: Record<string, unknown>, headers: Record<string, string> = bearer()) =>
      gantry.raw('POST', '/ofrep/v1/evaluate/flags', { headers, body: { context } });

    it('bulk evaluates every flag with an ETag, and answers 304 to a matching If-None-Match', async () => {
      const first = await bulk({ targetingKey: 'u1', plan: 'pro' });
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toMatch(/^application\/json/);
      const byKey = Object.fromEntries(first.body.flags.map((f: { key: string }) => [f.key, f]));
      expect(Object.keys(byKey).sort()).toEqual([...ALL_FLAGS].sort());
      expect(byKey['bool-static']).toEqual({
        key: 'bool-static',
        value: true,
        variant: '0',
        reason: 'STATIC',
        metadata: { version: version('bool-static') },
      });
      expect(byKey['str-rule']).toMatchObject({ value: 'green', variant: '1', reason: 'TARGETING_MATCH' });
      expect(byKey['bool-off']).toMatchObject({ value: false, variant: '1', reason: 'DISABLED' });
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[^"]+"$/);

      const unchanged = await bulk({ targetingKey: 'u1', plan: 'pro' }, { ...bearer(), 'if-none-match': etag! });
      expect(unchanged.status).toBe(304);
      expect(unchanged.text).toBe('');

      // Another context: another answer, so another ETag.
      const other = await bulk({ targetingKey: 'u1', plan: 'free' }, { ...bearer(), 'if-none-match': etag! });
      expect(other.status).toBe(200);
      expect(other.headers.get('etag')).not.toBe(etag);

      // A configuration change invalidates the ETag.
      flags['bool-off'] = await patch('bool-off', [{ kind: 'turnFlagOn' }]);
      const changed = await eventuallyStatus(
        () => bulk({ targetingKey: 'u1', plan: 'pro' }, { ...bearer(), 'if-none-match': etag! }),
        200,
      );
      expect(changed.headers.get('etag')).not.toBe(etag);
      expect(changed.body.flags.find((f: { key: string }) => f.key === 'bool-off')).toMatchObject({
        value: true,
        variant: '0',
        reason: 'STATIC',
      });
    });

    it('authenticates with X-API-Key as well as with Bearer', async () => {
      const single = await gantry.raw('POST', '/ofrep/v1/evaluate/flags/bool-static', {
        headers: { 'x-api-key': sdkKey },
        body: { context: { targetingKey: 'u1' } },
      });
      expect(single.status).toBe(200);
      expect(single.body).toEqual({
        key: 'bool-static',
        value: true,
        variant: '0',
        reason: 'STATIC',
        metadata: { version: version('bool-static') },
      });
      expect((await bulk({ targetingKey: 'u1' }, { 'x-api-key': sdkKey })).status).toBe(200);

      const wrong = await gantry.raw('POST', '/ofrep/v1/evaluate/flags/bool-static', {
        headers: { 'x-api-key': 'sdk-wrong' },
        body: { context: { targetingKey: 'u1' } },
      });
      expect(wrong.status).toBe(401);
    });
  });
});

/** Repeats the request until it answers `status` (a change reaches the snapshot asynchronously). */
async function eventuallyStatus<T extends { status: number }>(
  send: () => Promise<T>,
  status: number,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await send();
    if (res.status === status || Date.now() > deadline) return res;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
