import type { Rule } from '../model/flag-config';
import { restoreInstructions, type RestoreState } from './restore-instructions';
import { makeEnv, makeFlag, thrown } from '../../../test/support/fixtures/patch';
import {
  lookups,
  apply,
  restored,
  counter,
  comparable,
  base,
  history,
} from '../../../test/support/fixtures/restore-history';

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
