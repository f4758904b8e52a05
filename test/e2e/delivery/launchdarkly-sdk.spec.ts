/**
 * The real LaunchDarkly Node server-side SDK (9.13.7) against Gantry (protocols.md §3): it
 * initialises from the stream's put, changes made through the management API reach it as patches
 * and deletes, polling mode works, a wrong SDK key fails initialisation, and the events it sends
 * are stored.
 */
import type { LDClient, LDContext } from '@launchdarkly/node-server-sdk';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, ldClient, recordingLogger, sdkKeyOf } from '../../support/delivery';
import { factory, type Flag, type Instruction } from '../../support/factories';
import { holdGuardedRelease } from '../../support/guard-events';

const P = 'ld';
const E = 'production';

describe('LaunchDarkly Node SDK against Gantry', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let sdkKey: string;
  let environmentId: string;
  const flags: Record<string, Flag> = {};
  const clients: LDClient[] = [];

  /** A client tracked for closing in afterAll. */
  const client = (options: Parameters<typeof ldClient>[2] = {}, key = sdkKey) => {
    const c = ldClient(gantry.baseUrl, key, options);
    clients.push(c);
    return c;
  };
  const variationId = (flagKey: string, value: unknown) =>
    flags[flagKey].variations.find((v) => v.value === value)!._id;
  const patch = (flagKey: string, instructions: Instruction[]) =>
    factory.patchFlag(api, P, flagKey, { environmentKey: E, instructions });

  const user = (key: string, attributes: Record<string, unknown> = {}): LDContext => ({
    kind: 'user',
    key,
    ...attributes,
  });

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: [E] });
    sdkKey = await sdkKeyOf(api, P, E);
    [{ id: environmentId }] = await gantry.sql('SELECT "id" FROM "Environment" WHERE "sdkKey" = $1', [sdkKey]);

    flags.checkout = await factory.flag(api, P, { key: 'checkout' });
    flags.color = await factory.flag(api, P, {
      key: 'color',
      variations: ['red', 'green', 'blue'],
      defaults: { onVariation: 2, offVariation: 0 },
    });
    flags.late = await factory.flag(api, P, { key: 'late' });
    flags.beta = await factory.flag(api, P, { key: 'beta-feature' });
    flags.doomed = await factory.flag(api, P, { key: 'doomed' });
    await factory.segment(api, P, E, { key: 'beta', included: ['u-early'] });

    await patch('checkout', [{ kind: 'turnFlagOn' }]);
    flags.color = await patch('color', [
      { kind: 'turnFlagOn' },
      {
        kind: 'addRule',
        clauses: [{ attribute: 'email', op: 'endsWith', values: ['@example.com'] }],
        variationId: variationId('color', 'green'),
      },
    ]);
    await patch('beta-feature', [
      { kind: 'turnFlagOn' },
      { kind: 'updateFallthroughVariationOrRollout', variationId: variationId('beta', false) },
      {
        kind: 'addRule',
        clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['beta'] }],
        variationId: variationId('beta', true),
      },
    ]);
    await patch('doomed', [{ kind: 'turnFlagOn' }]);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await gantry?.stop();
  });

  describe('streaming', () => {
    let ld: LDClient;

    beforeAll(async () => {
      ld = client();
      await ld.waitForInitialization({ timeout: 10 });
    });

    it('initialises from the put and evaluates locally with the reason', async () => {
      expect(ld.initialized()).toBe(true);
      expect(await ld.variationDetail('checkout', user('u1'), false)).toEqual({
        value: true,
        variationIndex: 0,
        reason: { kind: 'FALLTHROUGH' },
      });
      expect(await ld.variationDetail('color', user('u2', { email: 'ada@example.com' }), 'none')).toEqual({
        value: 'green',
        variationIndex: 1,
        reason: { kind: 'RULE_MATCH', ruleIndex: 0, ruleId: flags.color.environments[E].rules[0]._id },
      });
      expect(await ld.variationDetail('color', user('u3', { email: 'ada@example.org' }), 'none')).toEqual({
        value: 'blue',
        variationIndex: 2,
        reason: { kind: 'FALLTHROUGH' },
      });
      expect(await ld.variationDetail('late', user('u1'), true)).toEqual({
        value: false,
        variationIndex: 1,
        reason: { kind: 'OFF' },
      });
      expect(await ld.variationDetail('beta-feature', user('u-early'), false)).toMatchObject({
        value: true,
        variationIndex: 0,
        reason: { kind: 'RULE_MATCH', ruleIndex: 0 },
      });
      expect(await ld.variationDetail('beta-feature', user('u-late'), true)).toEqual({
        value: false,
        variationIndex: 1,
        reason: { kind: 'FALLTHROUGH' },
      });
      expect(await ld.variationDetail('no-such-flag', user('u1'), 'dflt')).toEqual({
        value: 'dflt',
        variationIndex: null,
        reason: { kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND' },
      });
    });

    it('receives a flag change made through the management API as a patch', async () => {
      const updated = new Promise<{ key: string }>((resolve) => ld.once('update:late', resolve));
      await patch('late', [{ kind: 'turnFlagOn' }]);
      await expect(withTimeout(updated, 10_000, 'update:late')).resolves.toEqual({ key: 'late' });
      expect(await ld.variationDetail('late', user('u1'), false)).toEqual({
        value: true,
        variationIndex: 0,
        reason: { kind: 'FALLTHROUGH' },
      });

      const changed = await patch('late', [
        {
          kind: 'addRule',
          clauses: [{ attribute: 'country', op: 'in', values: ['NL', 'BE'] }],
          variationId: variationId('late', false),
        },
      ]);
      const ruleId = changed.environments[E].rules[0]._id;
      await eventually(async () => {
        expect(await ld.variationDetail('late', user('u1', { country: 'NL' }), true)).toEqual({
          value: false,
          variationIndex: 1,
          reason: { kind: 'RULE_MATCH', ruleIndex: 0, ruleId },
        });
      });
      expect(await ld.variationDetail('late', user('u1', { country: 'DE' }), false)).toMatchObject({
        value: true,
        reason: { kind: 'FALLTHROUGH' },
      });
      // The SDK's store holds the version Gantry wrote.
      const state = (await ld.allFlagsState(user('u1'))).toJSON() as {
        $flagsState: Record<string, { version: number }>;
      };
      expect(state.$flagsState.late.version).toBe(changed.environments[E].version);
    });

    it('treats an archived flag as gone (FLAG_NOT_FOUND)', async () => {
      expect(await ld.variationDetail('doomed', user('u1'), false)).toMatchObject({ value: true });
      await factory.patchFlag(api, P, 'doomed', { instructions: [{ kind: 'archiveFlag' }] });
      await eventually(async () => {
        expect(await ld.variationDetail('doomed', user('u1'), false)).toEqual({
          value: false,
          variationIndex: null,
          reason: { kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND' },
        });
      });
      expect(Object.keys((await ld.allFlagsState(user('u1'))).allValues())).not.toContain('doomed');
    });

    it('applies segment changes to rules that match the segment', async () => {
      expect(await ld.variationDetail('beta-feature', user('u-late'), true)).toMatchObject({
        value: false,
        reason: { kind: 'FALLTHROUGH' },
      });
      await factory.patchSegment(api, P, E, 'beta', {
        instructions: [{ kind: 'addIncludedTargets', values: ['u-late'] }],
      });
      await eventually(async () => {
        expect(await ld.variationDetail('beta-feature', user('u-late'), false)).toMatchObject({
          value: true,
          variationIndex: 0,
          reason: { kind: 'RULE_MATCH', ruleIndex: 0 },
        });
      });

      // A rule-based member, and an exclusion that wins over the rule.
      await factory.patchSegment(api, P, E, 'beta', {
        instructions: [
          { kind: 'addRule', clauses: [{ attribute: 'plan', op: 'in', values: ['enterprise'] }] },
          { kind: 'addExcludedTargets', values: ['u-excluded'] },
        ],
      });
      await eventually(async () => {
        expect(await ld.variationDetail('beta-feature', user('u-big', { plan: 'enterprise' }), false)).toMatchObject({
          value: true,
          reason: { kind: 'RULE_MATCH' },
        });
      });
      expect(await ld.variationDetail('beta-feature', user('u-excluded', { plan: 'enterprise' }), true)).toMatchObject({
        value: false,
        reason: { kind: 'FALLTHROUGH' },
      });
      expect(await ld.variationDetail('beta-feature', user('u-small', { plan: 'free' }), true)).toMatchObject({
        value: false,
        reason: { kind: 'FALLTHROUGH' },
      });
    });
  });

  describe('polling (stream: false)', () => {
    it('initialises from /sdk/latest-all and serves the current configuration', async () => {
      const polling = client({ stream: false });
      await polling.waitForInitialization({ timeout: 10 });
      expect(await polling.variationDetail('checkout', user('u1'), false)).toEqual({
        value: true,
        variationIndex: 0,
        reason: { kind: 'FALLTHROUGH' },
      });
      expect(await polling.variationDetail('color', user('u2', { email: 'x@example.com' }), 'none')).toMatchObject({
        value: 'green',
        reason: { kind: 'RULE_MATCH', ruleIndex: 0 },
      });
      // What earlier tests changed is part of the polled payload.
      expect(await polling.variationDetail('late', user('u1', { country: 'BE' }), true)).toMatchObject({
        value: false,
        reason: { kind: 'RULE_MATCH' },
      });
      expect(await polling.variationDetail('beta-feature', user('u-late'), false)).toMatchObject({ value: true });
      expect(await polling.variationDetail('doomed', user('u1'), false)).toMatchObject({
        reason: { kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND' },
      });
    });

    it('answers the polling request with an ETag, and 304 when it still matches', async () => {
      const first = await gantry.raw('GET', '/sdk/latest-all', { headers: { authorization: sdkKey } });
      expect(first.status).toBe(200);
      expect(Object.keys(first.body.flags).sort()).toEqual(['beta-feature', 'checkout', 'color', 'late']);
      expect(Object.keys(first.body.segments)).toEqual(['beta']);
      const etag = first.headers.get('etag');
      expect(etag).toBeTruthy();
      const again = await gantry.raw('GET', '/sdk/latest-all', {
        headers: { authorization: sdkKey, 'if-none-match': etag! },
      });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
    });
  });

  describe('a wrong SDK key', () => {
    it('fails initialisation: the stream answers 401 and the SDK gives up', async () => {
      const logger = recordingLogger();
      const wrongKey = 'sdk-00000000-0000-4000-8000-000000000000';
      const ld = client({ logger }, wrongKey);
      const failed = new Promise((resolve) => ld.once('failed', resolve));
      await expect(ld.waitForInitialization({ timeout: 10 })).rejects.toThrow(/Authentication failed/);
      await withTimeout(failed, 10_000, 'failed');
      expect(ld.initialized()).toBe(false);
      expect(await ld.variationDetail('checkout', user('u1'), 'dflt')).toEqual({
        value: 'dflt',
        variationIndex: null,
        reason: { kind: 'ERROR', errorKind: 'CLIENT_NOT_READY' },
      });
      expect(logger.lines.join('\n')).toMatch(/401/);

      const stream = await gantry.raw('GET', '/all', { headers: { authorization: wrongKey } });
      expect(stream.status).toBe(401);
      const polling = await gantry.raw('GET', '/sdk/latest-all', { headers: { authorization: wrongKey } });
      expect(polling.status).toBe(401);
    });
  });

  describe('events (sendEvents: true)', () => {
    it('stores the custom and feature events a guarded release reads, and counts its summaries', async () => {
      // `guarded` is in a guarded release watching `metric-key`: its feature events and that metric's are kept.
      await holdGuardedRelease(api, P, E, await factory.flag(api, P, { key: 'guarded' }), ['metric-key']);
      const ld = client({ sendEvents: true, flushInterval: 3600 });
      await ld.waitForInitialization({ timeout: 10 });
      const ctx = user('ev-user', { plan: 'pro' });
      expect(await ld.variation('checkout', ctx, false)).toBe(true);
      expect(await ld.variation('color', user('ev-user', { email: 'e@example.com' }), 'none')).toBe('green');
      ld.track('metric-key', ctx, null, 42);
      await ld.flush();

      const rows = await eventually(async () => {
        const found = await gantry.sql(
          `SELECT "kind", "key", "contextKeys", "variation", "metricValue", "payload" FROM "SdkEvent"
           WHERE "environmentId" = $1 ORDER BY "id"`,
          [environmentId],
        );
        expect(found.map((r) => r.kind)).toEqual(['custom']);
        return found;
      });
      const custom = rows.find((r) => r.kind === 'custom')!;
      expect(custom).toMatchObject({ key: 'metric-key', contextKeys: { user: 'ev-user' }, metricValue: 42 });
      // The summary is counted, not stored: one evaluation of each flag, in the variation served.
      const counts = await eventually(async () => {
        const found = await gantry.sql(
          `SELECT "flagKey", "variation", "count"::int AS count, "sdk" FROM "FlagEvaluationCount"
           WHERE "environmentId" = $1 AND "period" = 'minute' ORDER BY "flagKey"`,
          [environmentId],
        );
        expect(found).toHaveLength(2);
        return found;
      });
      expect(counts).toEqual([
        { flagKey: 'checkout', variation: 0, count: 1, sdk: expect.stringMatching(/^NodeJSClient\//) },
        { flagKey: 'color', variation: 1, count: 1, sdk: expect.stringMatching(/^NodeJSClient\//) },
      ]);

      // Full feature events (the SDK sends them for flags that track events, as a guarded release's
      // flag does): posted as an SDK would, for the guarded flag and for one no guard reads.
      const feature = (key: string) => ({
        kind: 'feature',
        creationDate: Date.now(),
        key,
        version: 2,
        context: { kind: 'user', key: 'f-user' },
        variation: 0,
        value: true,
        default: false,
      });
      const bulk = await gantry.raw('POST', '/bulk', {
        headers: { authorization: sdkKey, 'x-launchdarkly-event-schema': '4' },
        body: [feature('guarded'), feature('checkout')],
      });
      expect(bulk.status).toBe(202);
      const features = await gantry.sql(
        `SELECT "key", "contextKeys", "variation" FROM "SdkEvent" WHERE "environmentId" = $1 AND "kind" = 'feature'`,
        [environmentId],
      );
      expect(features).toEqual([{ key: 'guarded', contextKeys: { user: 'f-user' }, variation: 0 }]);
    });
  });
});

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
