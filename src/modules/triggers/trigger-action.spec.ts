import { effectiveApprovalSettings, type FlagState } from '../../core/approval';
import { booleanFlag, makeEnv } from '../../../test/support/fixtures/patch';
import { instructionsOf, normalizeAction, triggerApprovalReasons } from './trigger-action';
import { newTriggerSecret, triggerSecretHash } from './trigger-secret';

describe('trigger actions', () => {
  it('turns toggles into their instruction and keeps environment-level instruction lists', () => {
    expect(instructionsOf(normalizeAction({ kind: 'turnFlagOn' }))).toEqual([{ kind: 'turnFlagOn' }]);
    const list = [{ kind: 'updateFallthroughVariationOrRollout', variationId: 'v' }];
    expect(instructionsOf(normalizeAction({ kind: 'instructions', instructions: list }))).toEqual(list);
  });

  it('refuses instructions on a toggle, a missing list, unknown kinds and flag-level kinds', () => {
    expect(() => normalizeAction({ kind: 'turnFlagOff', instructions: [{ kind: 'turnFlagOn' }] })).toThrow(
      expect.objectContaining({ code: 'trigger/invalid_action', status: 400 }),
    );
    expect(() => normalizeAction({ kind: 'instructions' })).toThrow(
      expect.objectContaining({ code: 'trigger/invalid_action' }),
    );
    expect(() => normalizeAction({ kind: 'instructions', instructions: [{ kind: 'explode' }] })).toThrow(
      expect.objectContaining({ code: 'patch/unknown_instruction' }),
    );
    expect(() =>
      normalizeAction({ kind: 'instructions', instructions: [{ kind: 'turnFlagOn' }, { kind: 'archiveFlag' }] }),
    ).toThrow(
      expect.objectContaining({ code: 'trigger/invalid_action', errors: [expect.objectContaining({ index: 1 })] }),
    );
  });

  it("judges a toggle as the transition it makes, whatever the flag's state now", () => {
    const gated = effectiveApprovalSettings(null, null, true);
    const on: FlagState = { flag: booleanFlag(), environment: makeEnv({ on: true }) };
    // Turning on a flag that is on changes nothing now, but the trigger can fire after it is turned off.
    expect(triggerApprovalReasons(gated, { kind: 'turnFlagOn' }, { before: on, after: on }).length).toBeGreaterThan(0);
    expect(
      triggerApprovalReasons(
        effectiveApprovalSettings(null, null, false),
        { kind: 'turnFlagOn' },
        { before: on, after: on },
      ),
    ).toEqual([]);
  });
});

describe('trigger secrets', () => {
  it('are gtr_ + 43 base64url characters; only those shapes are looked up', () => {
    const s = newTriggerSecret();
    expect(s.secret).toMatch(/^gtr_[A-Za-z0-9_-]{43}$/);
    expect(s.hint).toBe(s.secret.slice(-4));
    expect(triggerSecretHash(s.secret)).toBe(s.hash);
    expect(s.hash).not.toContain(s.secret);
    expect(triggerSecretHash('gtr_short')).toBeNull();
    expect(triggerSecretHash(`${s.secret}x`)).toBeNull();
  });
});
