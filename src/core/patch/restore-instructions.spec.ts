import type { FlagEnvironmentConfig, Rule, Variation } from '../model/flag-config';
import { applyFlagInstructions, type FlagPatchContext } from './index';
import { restoreInstructions, type RestoreState } from './restore-instructions';
import { makeEnv, makeFlag, thrown } from '../../../test/support/fixtures/patch';

/** Other flags of the project, usable as prerequisites: two variations each. */
const OTHERS: Record<string, Variation[]> = {
  p1: [
    { _id: 'p1-on', value: true },
    { _id: 'p1-off', value: false },
  ],
  p2: [
    { _id: 'p2-on', value: true },
    { _id: 'p2-off', value: false },
  ],
  p3: [
    { _id: 'p3-on', value: true },
    { _id: 'p3-off', value: false },
  ],
};
const lookups = { prerequisiteVariations: (key: string) => OTHERS[key] };

/** One id sequence for a whole history, as in a real flag: ids never repeat across versions. */
function patchContext(nextId: () => string): FlagPatchContext {
  return {
    newId: nextId,
    environmentKey: 'production',
    lookupFlag: (key) => (OTHERS[key] ? { variations: OTHERS[key], prerequisiteKeys: () => [] } : undefined),
    segmentExists: () => true,
  };
}

function apply(state: RestoreState, instructions: unknown[], nextId: () => string): RestoreState {
  const result = applyFlagInstructions(
    { flag: state.flag, environments: { production: state.environment } },
    instructions,
    patchContext(nextId),
  );
  return { flag: result.flag, environment: result.environments.production };
}

/** Restores `target` over `current` and returns the environment config it yields. */
function restored(current: RestoreState, target: RestoreState, nextId = counter('new')): FlagEnvironmentConfig {
  const instructions = restoreInstructions(current, target, lookups);
  if (!instructions.length) return current.environment;
  return apply(current, instructions, nextId).environment;
}

function counter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

/** The config without what the patch assigns itself (version, clause ids). */
function comparable(env: FlagEnvironmentConfig) {
  return {
    ...env,
    version: 0,
    rules: env.rules.map((r) => ({ ...r, clauses: r.clauses.map(({ _id: _ignored, ...rest }) => rest) })),
  };
}

const base = (env: Partial<FlagEnvironmentConfig> = {}): RestoreState => ({
  flag: makeFlag(),
  environment: makeEnv(env),
});

// ---- A seeded generator of plausible histories (every version written by core/patch itself). ----

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  subset<T>(items: readonly T[], min = 1): T[] {
    const chosen = items.filter(() => this.chance(0.5));
    return chosen.length >= min ? chosen : items.slice(0, min);
  }
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  }
}

const VARIATIONS = ['va', 'vb', 'vc'];
const KEYS = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];

function serve(r: Random): Record<string, unknown> {
  if (r.chance(0.5)) return { variationId: r.pick(VARIATIONS) };
  const first = r.int(100_001);
  const second = r.int(100_001 - first);
  const weights = { va: first, vb: second, vc: 100_000 - first - second };
  return {
    rolloutWeights: weights,
    ...(r.chance(0.3) ? { rolloutBucketBy: r.pick(['email', 'deviceId']) } : {}),
    ...(r.chance(0.3) ? { rolloutContextKind: r.pick(['user', 'org']) } : {}),
  };
}

function clause(r: Random): Record<string, unknown> {
  if (r.chance(0.15)) return { attribute: 'segmentMatch', op: 'segmentMatch', values: [r.pick(['s1', 's2'])] };
  return {
    ...(r.chance(0.3) ? { contextKind: 'org' } : {}),
    attribute: r.pick(['email', 'country', 'plan']),
    op: r.pick(['in', 'endsWith', 'startsWith']),
    values: r.subset(['a', 'b', 'c', 'd']),
    negate: r.chance(0.2),
  };
}

function randomInstruction(r: Random, env: FlagEnvironmentConfig): Record<string, unknown> {
  const rule = (): Rule | undefined => (env.rules.length ? r.pick(env.rules) : undefined);
  const ruleOr = (make: (rule: Rule) => Record<string, unknown>) => {
    const chosen = rule();
    return chosen ? make(chosen) : { kind: 'addRule', clauses: [clause(r)], ...serve(r) };
  };
  switch (r.int(22)) {
    case 0:
      return { kind: 'turnFlagOn' };
    case 1:
      return { kind: 'turnFlagOff' };
    case 2:
      return { kind: 'updateOffVariation', variationId: r.chance(0.2) ? null : r.pick(VARIATIONS) };
    case 3:
      return { kind: 'updateFallthroughVariationOrRollout', ...serve(r) };
    case 4:
      return { kind: r.pick(['updateTrackEvents', 'updateTrackEventsFallthrough']), trackEvents: r.chance(0.5) };
    case 5:
    case 6:
      return {
        kind: 'addTargets',
        variationId: r.pick(VARIATIONS),
        values: r.subset(KEYS),
        ...(r.chance(0.5) ? { contextKind: r.pick(['org', 'device']) } : {}),
      };
    case 7:
      return {
        kind: 'removeTargets',
        variationId: r.pick(VARIATIONS),
        values: r.subset(KEYS),
        ...(r.chance(0.5) ? { contextKind: r.pick(['org', 'device']) } : {}),
      };
    case 8:
      return r.chance(0.3) ? { kind: 'clearTargets' } : { kind: 'turnFlagOn' };
    case 9:
      return { kind: 'addPrerequisite', key: r.pick(['p1', 'p2', 'p3']), variationId: r.pick(['on', 'off']) };
    case 10: {
      const p = env.prerequisites.length ? r.pick(env.prerequisites) : undefined;
      if (!p) return { kind: 'addPrerequisite', key: 'p1', variationId: 'p1-on' };
      return r.chance(0.5)
        ? { kind: 'removePrerequisite', key: p.key }
        : { kind: 'updatePrerequisite', key: p.key, variationId: `${p.key}-${r.pick(['on', 'off'])}` };
    }
    case 11:
    case 12:
    case 13: {
      const before = rule();
      return {
        kind: 'addRule',
        clauses: Array.from({ length: 1 + r.int(3) }, () => clause(r)),
        ...serve(r),
        ...(r.chance(0.4) ? { description: r.pick(['staff', 'beta', 'eu']) } : {}),
        ...(before && r.chance(0.4) ? { beforeRuleId: before._id } : {}),
      };
    }
    case 14:
      return ruleOr((x) => ({ kind: 'removeRule', ruleId: x._id }));
    case 15:
      return { kind: 'reorderRules', ruleIds: r.shuffle(env.rules.map((x) => x._id)) };
    case 16:
      return ruleOr((x) => ({ kind: 'updateRuleVariationOrRollout', ruleId: x._id, ...serve(r) }));
    case 17:
      return ruleOr((x) =>
        r.chance(0.5)
          ? { kind: 'updateRuleDescription', ruleId: x._id, description: r.pick(['', 'vip', 'beta']) }
          : { kind: 'updateRuleTrackEvents', ruleId: x._id, trackEvents: r.chance(0.5) },
      );
    case 18:
      return ruleOr((x) => ({ kind: 'addClauses', ruleId: x._id, clauses: [clause(r)] }));
    case 19:
      return ruleOr((x) => ({ kind: 'removeClauses', ruleId: x._id, clauseIds: [r.pick(x.clauses)._id] }));
    case 20:
      return ruleOr((x) => ({
        kind: 'updateClause',
        ruleId: x._id,
        clauseId: r.pick(x.clauses)._id,
        clause: clause(r),
      }));
    default:
      return ruleOr((x) => {
        const c = r.pick(x.clauses);
        if (c.op === 'segmentMatch') return { kind: 'turnFlagOff' };
        return {
          kind: r.pick(['addValuesToClause', 'removeValuesFromClause']),
          ruleId: x._id,
          clauseId: c._id,
          values: r.subset(['a', 'b', 'e']),
        };
      });
  }
}

/** `length` versions of one flag, each one to three random (valid) instructions after the previous. */
function history(seed: number, length: number): RestoreState[] {
  const r = new Random(mulberry32(seed));
  const nextId = counter(`s${seed}-`);
  const versions = [base()];
  while (versions.length < length) {
    const previous = versions[versions.length - 1];
    const instructions = Array.from({ length: 1 + r.int(3) }, () => randomInstruction(r, previous.environment));
    for (const i of instructions) {
      // Prerequisite variation ids are per flag: fix up the generic on/off picks.
      if (typeof i.key === 'string' && (i.variationId === 'on' || i.variationId === 'off'))
        i.variationId = `${i.key}-${i.variationId}`;
    }
    try {
      versions.push(apply(previous, instructions, nextId));
    } catch {
      // An invalid random step (a conflicting target, a duplicate prerequisite...): draw another.
    }
  }
  return versions;
}

describe('restoreInstructions', () => {
  it('turns any version of a random history into any other (40 histories, every ordered pair)', () => {
    let pairs = 0;
    let nonEmpty = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const versions = history(seed, 9);
      for (const current of versions) {
        for (const target of versions) {
          const instructions = restoreInstructions(current, target, lookups);
          if (instructions.length) nonEmpty++;
          const result = restored(current, target);
          expect(comparable(result)).toEqual(comparable(target.environment));
          // Restoring again finds nothing to do, although clauses added back have new ids.
          expect(restoreInstructions({ flag: current.flag, environment: result }, target, lookups)).toEqual([]);
          pairs++;
        }
      }
    }
    expect(pairs).toBe(40 * 81);
    // The histories really change things: most pairs of distinct versions need instructions.
    expect(nonEmpty).toBeGreaterThan(40 * 60);
  });

  it('is empty for a version equal to the current configuration, and the result is then a fixed point', () => {
    for (const seed of [3, 7, 11]) {
      const versions = history(seed, 6);
      const last = versions[versions.length - 1];
      expect(
        restoreInstructions(last, { ...last, environment: { ...last.environment, version: 99 } }, lookups),
      ).toEqual([]);
      const back = { flag: versions[0].flag, environment: restored(last, versions[1]) };
      expect(restoreInstructions(back, versions[1], lookups)).toEqual([]);
    }
  });

  it('keeps the ids of rules and clauses that still exist, and gives a re-added rule its old id', () => {
    const nextId = counter('id');
    const v1 = apply(
      base(),
      [
        {
          kind: 'addRule',
          ruleId: 'r1',
          clauses: [{ attribute: 'email', op: 'endsWith', values: ['@a.com'] }],
          variationId: 'vb',
        },
        {
          kind: 'addRule',
          ruleId: 'r2',
          clauses: [{ attribute: 'country', op: 'in', values: ['fr'] }],
          variationId: 'vc',
        },
      ],
      nextId,
    );
    const r1Clause = v1.environment.rules[0].clauses[0]._id;
    const v2 = apply(
      v1,
      [
        { kind: 'removeRule', ruleId: 'r2' },
        { kind: 'addValuesToClause', ruleId: 'r1', clauseId: r1Clause, values: ['@b.com'] },
        {
          kind: 'addRule',
          ruleId: 'r3',
          clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }],
          variationId: 'va',
        },
      ],
      nextId,
    );
    const instructions = restoreInstructions(v2, v1, lookups);
    expect(instructions).toEqual([
      { kind: 'removeRule', ruleId: 'r3' },
      {
        kind: 'updateClause',
        ruleId: 'r1',
        clauseId: r1Clause,
        clause: { attribute: 'email', op: 'endsWith', values: ['@a.com'], negate: false },
      },
      {
        kind: 'addRule',
        ruleId: 'r2',
        clauses: [{ attribute: 'country', op: 'in', values: ['fr'], negate: false }],
        variationId: 'vc',
      },
    ]);
    const result = restored(v2, v1);
    expect(result.rules.map((r) => r._id)).toEqual(['r1', 'r2']);
    expect(result.rules[0]).toEqual(v1.environment.rules[0]);
    expect(comparable(result)).toEqual(comparable(v1.environment));
  });

  it('reorders rules only when their order differs, after re-adding', () => {
    const rule = (id: string, variation: number): Rule => ({
      _id: id,
      clauses: [{ _id: `${id}-c`, attribute: 'plan', op: 'in', values: [id], negate: false }],
      variation,
      trackEvents: false,
    });
    const current = base({ rules: [rule('a', 0), rule('b', 1)] });
    const target = base({ rules: [rule('c', 2), rule('b', 1), rule('a', 0)] });
    const instructions = restoreInstructions(current, target, lookups);
    expect(instructions.map((i) => i.kind)).toEqual(['addRule', 'reorderRules']);
    expect(instructions[1]).toEqual({ kind: 'reorderRules', ruleIds: ['c', 'b', 'a'] });
    expect(comparable(restored(current, target))).toEqual(comparable(target.environment));
  });

  it('starts a rollout afresh when the version had no bucketBy or context kind but the current rollout has', () => {
    const current = base({
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 100_000 },
            { variation: 1, weight: 0 },
            { variation: 2, weight: 0 },
          ],
          bucketBy: 'email',
          contextKind: 'org',
        },
      },
    });
    const target = base({
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 50_000 },
            { variation: 1, weight: 50_000 },
            { variation: 2, weight: 0 },
          ],
        },
      },
    });
    const instructions = restoreInstructions(current, target, lookups);
    expect(instructions).toEqual([
      { kind: 'updateFallthroughVariationOrRollout', variationId: 'va' },
      { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { va: 50_000, vb: 50_000 } },
    ]);
    expect(restored(current, target).fallthrough).toEqual(target.environment.fallthrough);
  });

  it('maps variations by id, so a version restores correctly after a variation was removed and indexes moved', () => {
    const nextId = counter('id');
    const v1 = apply(
      {
        flag: makeFlag({ defaults: { onVariation: 2, offVariation: 1 } }),
        environment: makeEnv({ fallthrough: { variation: 2 }, offVariation: 1 }),
      },
      [{ kind: 'addTargets', variationId: 'vc', values: ['k1'] }],
      nextId,
    );
    // Later: stop using va, remove it (vb and vc move down one index), then change the fallthrough.
    const v2 = apply(
      v1,
      [
        { kind: 'removeVariation', variationId: 'va' },
        { kind: 'updateFallthroughVariationOrRollout', variationId: 'vb' },
        { kind: 'clearTargets' },
      ],
      nextId,
    );
    expect(v2.flag.variations.map((v) => v._id)).toEqual(['vb', 'vc']);
    const instructions = restoreInstructions(v2, v1, lookups);
    expect(instructions).toEqual([
      { kind: 'updateFallthroughVariationOrRollout', variationId: 'vc' },
      { kind: 'replaceTargets', targets: [{ variationId: 'vc', values: ['k1'] }] },
    ]);
    const result = restored(v2, v1);
    expect(result.fallthrough).toEqual({ variation: 1 });
    expect(result.offVariation).toBe(0);
    expect(result.targets).toEqual([{ variation: 1, values: ['k1'] }]);
  });

  it('refuses a version that serves a removed variation, naming each one and where it was used', () => {
    const v1 = base({
      fallthrough: { variation: 0 },
      rules: [
        {
          _id: 'r',
          clauses: [{ _id: 'c', attribute: 'plan', op: 'in', values: ['x'], negate: false }],
          variation: 0,
          trackEvents: false,
        },
      ],
    });
    const now: RestoreState = {
      flag: makeFlag({ variations: makeFlag().variations.slice(1) }),
      environment: makeEnv({ fallthrough: { variation: 0 }, offVariation: 0 }),
    };
    const error = thrown(() => restoreInstructions(now, v1, lookups));
    expect(error.code).toBe('flag_version/variation_removed');
    expect(error.message).toContain("variation 'va'");
    expect(error.errors).toEqual([
      { field: 'fallthrough', reason: "variation 'va' was removed" },
      { field: 'rules[0]', reason: "variation 'va' was removed" },
    ]);
  });

  it('does not mind a removed variation that the version gave no share of a rollout', () => {
    const v1 = base({
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 0 },
            { variation: 1, weight: 30_000 },
            { variation: 2, weight: 70_000 },
          ],
        },
      },
      offVariation: 1,
    });
    const now: RestoreState = {
      flag: makeFlag({ variations: makeFlag().variations.slice(1) }),
      environment: makeEnv({ fallthrough: { variation: 0 }, offVariation: 0 }),
    };
    const instructions = restoreInstructions(now, v1, lookups);
    expect(instructions).toEqual([
      { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { vb: 30_000, vc: 70_000 } },
    ]);
    expect(apply(now, instructions, counter('x')).environment.fallthrough).toEqual({
      rollout: {
        variations: [
          { variation: 0, weight: 30_000 },
          { variation: 1, weight: 70_000 },
        ],
      },
    });
  });

  it('refuses a version whose prerequisite flag no longer exists', () => {
    const v1 = base({
      prerequisites: [
        { key: 'gone', variation: 0 },
        { key: 'p1', variation: 1 },
      ],
    });
    const error = thrown(() => restoreInstructions(base(), v1, lookups));
    expect(error.code).toBe('flag_version/prerequisite_removed');
    expect(error.message).toContain("'gone'");
    expect(error.message).not.toContain("'p1'");
  });

  it('restores prerequisites in their order, updating a kept one in place', () => {
    const current = base({
      prerequisites: [
        { key: 'p2', variation: 0 },
        { key: 'p1', variation: 0 },
      ],
    });
    const target = base({
      prerequisites: [
        { key: 'p2', variation: 1 },
        { key: 'p3', variation: 0 },
        { key: 'p1', variation: 0 },
      ],
    });
    const instructions = restoreInstructions(current, target, lookups);
    expect(instructions).toEqual([
      { kind: 'removePrerequisite', key: 'p1' },
      { kind: 'updatePrerequisite', key: 'p2', variationId: 'p2-off' },
      { kind: 'addPrerequisite', key: 'p3', variationId: 'p3-on' },
      { kind: 'addPrerequisite', key: 'p1', variationId: 'p1-on' },
    ]);
    expect(restored(current, target).prerequisites).toEqual(target.environment.prerequisites);
  });

  it('restores more targeted keys than one instruction may hold, in bounded chunks', () => {
    const keys = Array.from({ length: 12_345 }, (_, i) => `user-${i}`);
    const target = base({
      targets: [{ variation: 1, values: keys }],
      contextTargets: [
        { contextKind: 'org', variation: 2, values: ['acme'] },
        { contextKind: 'user', variation: 1, values: [] },
      ],
    });
    const instructions = restoreInstructions(base(), target, lookups);
    expect(instructions.map((i) => [i.kind, (i.values as unknown[] | undefined)?.length])).toEqual([
      ['clearTargets', undefined],
      ['addTargets', 1],
      ['addTargets', 10_000],
      ['addTargets', 2_345],
    ]);
    const result = restored(base(), target);
    expect(result.targets).toEqual(target.environment.targets);
    expect(result.contextTargets).toEqual(target.environment.contextTargets);
  });

  it('refuses a restore that needs more instructions than one write may hold', () => {
    const rules: Rule[] = Array.from({ length: 101 }, (_, i) => ({
      _id: `r${i}`,
      clauses: [{ _id: `c${i}`, attribute: 'plan', op: 'in', values: [`p${i}`], negate: false }],
      variation: 0,
      trackEvents: false,
    }));
    const error = thrown(() => restoreInstructions(base(), base({ rules }), lookups));
    expect(error.code).toBe('flag_version/restore_too_large');
    expect(error.message).toContain('101 instructions');
  });

  it('rewrites the clauses of a kept rule whose clause order changed', () => {
    const rule = (clauseIds: string[]): Rule => ({
      _id: 'r',
      clauses: clauseIds.map((id) => ({ _id: id, attribute: id, op: 'in', values: ['x'], negate: false })),
      variation: 0,
      trackEvents: false,
    });
    const current = base({ rules: [rule(['a', 'b', 'c'])] });
    const target = base({ rules: [rule(['a', 'c', 'b'])] });
    const instructions = restoreInstructions(current, target, lookups);
    expect(instructions).toEqual([
      { kind: 'removeClauses', ruleId: 'r', clauseIds: ['b', 'c'] },
      {
        kind: 'addClauses',
        ruleId: 'r',
        clauses: [
          { attribute: 'c', op: 'in', values: ['x'], negate: false },
          { attribute: 'b', op: 'in', values: ['x'], negate: false },
        ],
      },
    ]);
    const result = restored(current, target);
    expect(result.rules[0].clauses.map((c) => [c._id, c.attribute])).toEqual([
      ['a', 'a'],
      ['new1', 'c'],
      ['new2', 'b'],
    ]);
  });

  it('turns on/off, off variation and event tracking back', () => {
    const current = base({ on: false, offVariation: null, trackEvents: true, trackEventsFallthrough: true });
    const target = base({ on: true, offVariation: 2 });
    expect(restoreInstructions(current, target, lookups)).toEqual([
      { kind: 'turnFlagOn' },
      { kind: 'updateOffVariation', variationId: 'vc' },
      { kind: 'updateTrackEvents', trackEvents: false },
      { kind: 'updateTrackEventsFallthrough', trackEvents: false },
    ]);
    expect(restoreInstructions(target, current, lookups)).toEqual([
      { kind: 'turnFlagOff' },
      { kind: 'updateOffVariation', variationId: null },
      { kind: 'updateTrackEvents', trackEvents: true },
      { kind: 'updateTrackEventsFallthrough', trackEvents: true },
    ]);
  });
});
