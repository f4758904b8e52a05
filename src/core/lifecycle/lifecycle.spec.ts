import { makeEnv } from '../../../test/support/fixtures/patch';
import type { FlagEnvironmentConfig } from '../model/flag-config';
import { servedToEveryone, servingOneSince, type ConfigAtVersion } from './serving';
import { DEFAULT_LIFECYCLE_SETTINGS, lifecycleSettingsOf, type LifecycleSettings } from './settings';
import { flagLifecycle, type FlagFacts } from './states';

const NOW = new Date('2026-06-30T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

const config = makeEnv;

const rule = (v: Partial<{ variation: number; rollout: { variations: { variation: number; weight: number }[] } }>) => ({
  _id: 'r',
  clauses: [{ _id: 'c', attribute: 'email', op: 'endsWith' as const, values: ['@x.io'], negate: false }],
  trackEvents: false,
  ...v,
});

const history = (...steps: [number, FlagEnvironmentConfig][]): ConfigAtVersion[] =>
  steps.map(([ago, c], i) => ({ version: i + 1, createdAt: daysAgo(ago), config: c }));

describe('servedToEveryone', () => {
  it('off serves the off variation to everyone (null off variation: the SDK default)', () => {
    expect(servedToEveryone(config({ on: false, offVariation: 1 }))).toEqual({ variation: 1, off: true });
    expect(servedToEveryone(config({ on: false, offVariation: null }))).toEqual({ variation: null, off: true });
  });

  it('on: one variation when fallthrough, rules and targets agree', () => {
    expect(servedToEveryone(config())).toEqual({ variation: 0, off: false });
    expect(servedToEveryone(config({ rules: [rule({ variation: 0 })] }))).toEqual({ variation: 0, off: false });
    expect(servedToEveryone(config({ targets: [{ variation: 0, values: ['a'] }] }))).toEqual({
      variation: 0,
      off: false,
    });
    // An empty target list serves nobody, so it does not count.
    expect(servedToEveryone(config({ targets: [{ variation: 1, values: [] }] }))).toEqual({ variation: 0, off: false });
  });

  it('on: a rollout with all the weight on one variation counts as that variation', () => {
    const rollout = {
      variations: [
        { variation: 0, weight: 0 },
        { variation: 1, weight: 100000 },
      ],
    };
    expect(servedToEveryone(config({ fallthrough: { rollout } }))).toEqual({ variation: 1, off: false });
  });

  it('not single: a split rollout, a rule or target serving another variation, prerequisites', () => {
    const split = {
      variations: [
        { variation: 0, weight: 50000 },
        { variation: 1, weight: 50000 },
      ],
    };
    expect(servedToEveryone(config({ fallthrough: { rollout: split } }))).toBeUndefined();
    expect(servedToEveryone(config({ rules: [rule({ variation: 1 })] }))).toBeUndefined();
    expect(
      servedToEveryone(config({ contextTargets: [{ variation: 1, values: ['o'], contextKind: 'org' }] })),
    ).toBeUndefined();
    expect(servedToEveryone(config({ prerequisites: [{ key: 'p', variation: 0 }] }))).toBeUndefined();
  });
});

describe('servingOneSince', () => {
  it('starts at the oldest version of the run serving the same variation as now', () => {
    const h = history(
      [40, config({ on: false })],
      [30, config({ rules: [rule({ variation: 1 })] })], // a rule still serves 1 to some
      [20, config()], // everyone gets 0 from here
      [10, config({ rules: [rule({ variation: 0 })] })], // a rule serving 0 too changes nothing
    );
    expect(servingOneSince(h)).toEqual({ variation: 0, off: false, since: daysAgo(20) });
  });

  it('turning the flag off restarts the clock even when the off variation is the same', () => {
    const h = history([30, config({ fallthrough: { variation: 1 } })], [5, config({ on: false, offVariation: 1 })]);
    expect(servingOneSince(h)).toEqual({ variation: 1, off: true, since: daysAgo(5) });
  });

  it('answers undefined when the newest version does not serve one variation, or there is none', () => {
    expect(servingOneSince(history([30, config()], [1, config({ rules: [rule({ variation: 1 })] })]))).toBeUndefined();
    expect(servingOneSince([])).toBeUndefined();
  });

  it('reads versions in any order', () => {
    const h = history([50, config({ rules: [rule({ variation: 1 })] })], [25, config()], [3, config()]).reverse();
    expect(servingOneSince(h)?.since).toEqual(daysAgo(25));
  });
});

describe('flagLifecycle', () => {
  const s: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS; // new 7, rolled out 7, stale: 30 quiet, 14 rolled out
  const facts = (over: Partial<FlagFacts> = {}): FlagFacts => ({
    createdAt: daysAgo(100),
    archived: false,
    temporary: true,
    plannedRemovalDate: null,
    codeReferenceCount: 3,
    environments: [{ key: 'production', lastEvaluatedAt: daysAgo(1) }],
    ...over,
  });

  it('new: created less than newDays ago, even when never evaluated', () => {
    const l = flagLifecycle(
      facts({ createdAt: daysAgo(2), environments: [{ key: 'production', lastEvaluatedAt: null }] }),
      s,
      NOW,
    );
    expect(l.state).toBe('new');
    expect(l.environments).toEqual([{ environmentKey: 'production', state: 'new', reasons: [] }]);
  });

  it('active: evaluated recently, serving several variations', () => {
    expect(flagLifecycle(facts(), s, NOW)).toEqual({
      state: 'active',
      reasons: [],
      environments: [{ environmentKey: 'production', state: 'active', reasons: [] }],
    });
  });

  it('rolled-out: one variation to everyone for 7 days, not yet 14', () => {
    const l = flagLifecycle(
      facts({ environments: [{ key: 'production', lastEvaluatedAt: daysAgo(0), servingOneSince: daysAgo(10) }] }),
      s,
      NOW,
    );
    expect(l.state).toBe('rolled-out');
    expect(l.environments[0].reasons).toEqual([
      {
        rule: 'servingOneVariation',
        environmentKey: 'production',
        message: 'serving one variation to everyone since 2026-06-20',
      },
    ]);
  });

  it('serving one variation for 6 days is still active', () => {
    const env = { key: 'production', lastEvaluatedAt: daysAgo(0), servingOneSince: daysAgo(6) };
    expect(flagLifecycle(facts({ environments: [env] }), s, NOW).state).toBe('active');
  });

  it('stale: rolled out for 14 days or more', () => {
    const l = flagLifecycle(
      facts({ environments: [{ key: 'production', lastEvaluatedAt: daysAgo(0), servingOneSince: daysAgo(14) }] }),
      s,
      NOW,
    );
    expect(l.state).toBe('stale');
    expect(l.reasons).toEqual([
      {
        rule: 'rolledOut',
        environmentKey: 'production',
        message: 'serving one variation to everyone since 2026-06-16 (14 days or more)',
      },
    ]);
  });

  it('stale: not evaluated for 30 days, counted from creation when never evaluated', () => {
    const quiet = flagLifecycle(facts({ environments: [{ key: 'production', lastEvaluatedAt: daysAgo(31) }] }), s, NOW);
    expect(quiet.state).toBe('stale');
    expect(quiet.reasons.map((r) => r.message)).toEqual(['not evaluated since 2026-05-30 (30 days or more)']);
    const never = flagLifecycle(
      facts({ createdAt: daysAgo(45), environments: [{ key: 'production', lastEvaluatedAt: null }] }),
      s,
      NOW,
    );
    expect(never.reasons.map((r) => r.message)).toEqual([
      'never evaluated since it was created on 2026-05-16 (30 days or more)',
    ]);
    const young = flagLifecycle(
      facts({ createdAt: daysAgo(29), environments: [{ key: 'production', lastEvaluatedAt: null }] }),
      s,
      NOW,
    );
    expect(young.state).toBe('active');
  });

  it('stale: a temporary flag past its planned removal date (a bare date lasts to the end of the day)', () => {
    expect(flagLifecycle(facts({ plannedRemovalDate: '2026-06-29' }), s, NOW).reasons).toEqual([
      { rule: 'pastRemovalDate', message: 'temporary flag past its planned removal date 2026-06-29' },
    ]);
    expect(flagLifecycle(facts({ plannedRemovalDate: '2026-06-30' }), s, NOW).state).toBe('active');
    // A permanent flag has no removal date that counts.
    expect(flagLifecycle(facts({ temporary: false, plannedRemovalDate: '2026-01-01' }), s, NOW).state).toBe('active');
  });

  it('no code references counts only when the project says so, and not for a new flag', () => {
    expect(flagLifecycle(facts({ codeReferenceCount: 0 }), s, NOW).state).toBe('active');
    const strict = lifecycleSettingsOf({ staleNoCodeReferences: true });
    expect(flagLifecycle(facts({ codeReferenceCount: 0 }), strict, NOW).reasons).toEqual([
      { rule: 'noCodeReferences', message: 'no code references reported' },
    ]);
    expect(flagLifecycle(facts({ codeReferenceCount: 0, createdAt: daysAgo(3) }), strict, NOW).state).toBe('new');
    expect(flagLifecycle(facts({ codeReferenceCount: 1 }), strict, NOW).state).toBe('active');
  });

  it('overall stale only when every environment is stale; rolled-out when all are rolled out or stale', () => {
    const staleProd = { key: 'production', lastEvaluatedAt: daysAgo(0), servingOneSince: daysAgo(20) };
    const busyStaging = { key: 'staging', lastEvaluatedAt: daysAgo(0) };
    const rolledStaging = { key: 'staging', lastEvaluatedAt: daysAgo(0), servingOneSince: daysAgo(8) };
    const mixed = flagLifecycle(facts({ environments: [staleProd, busyStaging] }), s, NOW);
    expect([mixed.state, mixed.environments.map((e) => e.state)]).toEqual(['active', ['stale', 'active']]);
    const rolled = flagLifecycle(facts({ environments: [staleProd, rolledStaging] }), s, NOW);
    expect([rolled.state, rolled.environments.map((e) => e.state)]).toEqual(['rolled-out', ['stale', 'rolled-out']]);
    const quietStaging = { key: 'staging', lastEvaluatedAt: daysAgo(40) };
    const stale = flagLifecycle(facts({ environments: [staleProd, quietStaging] }), s, NOW);
    expect(stale.state).toBe('stale');
    expect(stale.reasons.map((r) => `${r.environmentKey}:${r.rule}`)).toEqual([
      'production:rolledOut',
      'staging:notEvaluated',
    ]);
  });

  it('archived wins over everything, in every environment', () => {
    const l = flagLifecycle(facts({ archived: true, plannedRemovalDate: '2020-01-01' }), s, NOW);
    expect(l).toEqual({
      state: 'archived',
      reasons: [],
      environments: [{ environmentKey: 'production', state: 'archived', reasons: [] }],
    });
  });

  it('rules switched off (null) do not count', () => {
    const off = lifecycleSettingsOf({ staleNotEvaluatedDays: null, staleRolledOutDays: null });
    const env = { key: 'production', lastEvaluatedAt: daysAgo(300), servingOneSince: daysAgo(300) };
    expect(flagLifecycle(facts({ environments: [env] }), off, NOW).state).toBe('rolled-out');
  });

  it('a project without environments is judged on the flag-level rules', () => {
    expect(flagLifecycle(facts({ environments: [] }), s, NOW).state).toBe('active');
    expect(flagLifecycle(facts({ environments: [], plannedRemovalDate: '2026-01-01' }), s, NOW).state).toBe('stale');
  });

  it('zero-day thresholds make a flag stale at once (how tests construct a stale flag)', () => {
    const now0 = lifecycleSettingsOf({ newDays: 0, staleNotEvaluatedDays: 0 });
    const l = flagLifecycle(
      facts({ createdAt: NOW, environments: [{ key: 'production', lastEvaluatedAt: null }] }),
      now0,
      NOW,
    );
    expect(l.state).toBe('stale');
  });
});
