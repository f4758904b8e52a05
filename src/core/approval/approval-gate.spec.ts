import { makeEnv, makeFlag, makeSegment } from '../../../test/support/fixtures/patch';
import { defaultApprovalSettings, effectiveApprovalSettings, type ApprovalSettings } from './approval-settings';
import { flagApprovalReasons, largestFlagShareIncrease, segmentApprovalReasons } from './approval-gate';

const required = (overrides: Partial<ApprovalSettings> = {}): ApprovalSettings => ({
  ...defaultApprovalSettings(true),
  ...overrides,
});
const state = (env = makeEnv(), flag = makeFlag()) => ({ flag, environment: env });
/** Fallthrough rollout over va/vb/vc in thousandths. */
const rollout = (a: number, b: number, c = 0) => ({
  rollout: {
    variations: [
      { variation: 0, weight: a },
      { variation: 1, weight: b },
      { variation: 2, weight: c },
    ],
  },
});

describe('effectiveApprovalSettings', () => {
  it('an environment without settings of its own follows the project defaults, else requires approval exactly when critical', () => {
    expect(effectiveApprovalSettings(null, null, true).required).toBe(true);
    expect(effectiveApprovalSettings(null, null, false).required).toBe(false);
    expect(effectiveApprovalSettings(null, { required: true, minApprovals: 3 }, false)).toMatchObject({
      required: true,
      minApprovals: 3,
      conditions: ['anyChange'],
    });
    expect(effectiveApprovalSettings({ required: false }, { required: true }, true).required).toBe(false);
  });
});

describe('flagApprovalReasons', () => {
  it('nothing is gated when approval is not required', () => {
    expect(flagApprovalReasons(required({ required: false }), state(), state(makeEnv({ on: false })))).toEqual([]);
  });

  it('anyChange: any change to what SDKs receive, but not a change of name or description', () => {
    expect(flagApprovalReasons(required(), state(), state(makeEnv({ on: false })))).toHaveLength(1);
    expect(
      flagApprovalReasons(
        required(),
        state(),
        state(makeEnv(), makeFlag({ name: 'Renamed', description: 'new text' })),
      ),
    ).toEqual([]);
    // A variation's value is served, so changing it is a change.
    const changedValue = makeFlag({
      variations: [
        { _id: 'va', value: 'A' },
        { _id: 'vb', value: 'b' },
        { _id: 'vc', value: 'c' },
      ],
    });
    expect(flagApprovalReasons(required(), state(), state(makeEnv(), changedValue))).toHaveLength(1);
    // Every write bumps the version; that alone is not a change.
    expect(flagApprovalReasons(required(), state(), state(makeEnv({ version: 9 })))).toEqual([]);
  });

  it('toggle: only turning the flag on or off', () => {
    const s = required({ conditions: ['toggle'] });
    expect(flagApprovalReasons(s, state(), state(makeEnv({ on: false })))).toEqual(['the change turns the flag off']);
    expect(flagApprovalReasons(s, state(), state(makeEnv({ fallthrough: { variation: 2 } })))).toEqual([]);
  });

  it('targeting: rules and targets, not the fallthrough', () => {
    const s = required({ conditions: ['targeting'] });
    expect(flagApprovalReasons(s, state(), state(makeEnv({ targets: [{ variation: 0, values: ['u1'] }] })))).toEqual([
      'the change modifies rules or targets',
    ]);
    expect(flagApprovalReasons(s, state(), state(makeEnv({ fallthrough: { variation: 2 } })))).toEqual([]);
  });

  it('rolloutIncrease: a rise above the threshold is gated, one at or below it is not; lowering never is', () => {
    const s = required({ conditions: ['rolloutIncrease'], rolloutIncreaseThreshold: 10_000 });
    const before = state(makeEnv({ fallthrough: rollout(90_000, 10_000) }));
    expect(flagApprovalReasons(s, before, state(makeEnv({ fallthrough: rollout(85_000, 15_000) })))).toEqual([]);
    expect(flagApprovalReasons(s, before, state(makeEnv({ fallthrough: rollout(80_000, 20_000) })))).toEqual([]);
    expect(flagApprovalReasons(s, before, state(makeEnv({ fallthrough: rollout(79_999, 20_001) })))).toEqual([
      "the change raises a variation's share of the fallthrough by 10001 thousandths (threshold 10000)",
    ]);
    expect(
      flagApprovalReasons(
        s,
        state(makeEnv({ fallthrough: rollout(50_000, 50_000) })),
        state(makeEnv({ fallthrough: rollout(100_000, 0) })),
      ),
    ).toHaveLength(1);
  });

  it('rolloutIncrease: switching a fixed variation is a rise of 100000 for the new one; a new rule starts from 0', () => {
    expect(largestFlagShareIncrease(state(), state(makeEnv({ fallthrough: { variation: 1 } })))).toEqual({
      where: 'the fallthrough',
      increase: 100_000,
    });
    const rule = { _id: 'r1', clauses: [], trackEvents: false, ...rollout(0, 30_000, 70_000) };
    expect(largestFlagShareIncrease(state(), state(makeEnv({ rules: [rule] })))).toEqual({
      where: 'rule r1',
      increase: 70_000,
    });
  });

  it('shares follow variation ids, so removing an unused variation (indexes shift) is not a traffic shift', () => {
    const before = state(makeEnv({ fallthrough: rollout(0, 40_000, 60_000) }));
    const withoutA = makeFlag({
      variations: [
        { _id: 'vb', value: 'b' },
        { _id: 'vc', value: 'c' },
      ],
    });
    const after = state(
      makeEnv({
        fallthrough: {
          rollout: {
            variations: [
              { variation: 0, weight: 40_000 },
              { variation: 1, weight: 60_000 },
            ],
          },
        },
      }),
      withoutA,
    );
    expect(largestFlagShareIncrease(before, after)).toBeUndefined();
  });

  it('requiredApprovalTags: untagged flags are not gated; removing the tag that requires approval is', () => {
    const s = required({ requiredApprovalTags: ['payments'] });
    expect(flagApprovalReasons(s, state(), state(makeEnv({ on: false })))).toEqual([]);
    const tagged = makeFlag({ tags: ['payments'] });
    expect(flagApprovalReasons(s, state(makeEnv(), tagged), state(makeEnv({ on: false }), tagged))).toHaveLength(1);
    expect(
      flagApprovalReasons(s, state(makeEnv(), tagged), state(makeEnv({ on: false }), makeFlag({ tags: [] }))),
    ).toHaveLength(1);
  });
});

describe('segmentApprovalReasons', () => {
  it('gates included/excluded and rule weight rises; toggle never matches a segment', () => {
    expect(segmentApprovalReasons(required(), makeSegment(), makeSegment({ included: ['u1', 'u2'] }))).toHaveLength(1);
    expect(segmentApprovalReasons(required(), makeSegment(), makeSegment({ name: 'renamed' }))).toEqual([]);
    expect(
      segmentApprovalReasons(required({ conditions: ['toggle'] }), makeSegment(), makeSegment({ included: [] })),
    ).toEqual([]);
    const rule = (weight: number) => ({ _id: 'r', clauses: [], weight });
    const s = required({ conditions: ['rolloutIncrease'], rolloutIncreaseThreshold: 5_000 });
    expect(
      segmentApprovalReasons(s, makeSegment({ rules: [rule(10_000)] }), makeSegment({ rules: [rule(15_000)] })),
    ).toEqual([]);
    expect(
      segmentApprovalReasons(s, makeSegment({ rules: [rule(10_000)] }), makeSegment({ rules: [rule(16_000)] })),
    ).toHaveLength(1);
  });
});
