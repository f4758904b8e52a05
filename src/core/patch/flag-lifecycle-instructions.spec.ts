import { applyFlagInstructions } from './index';
import { makeCtx, makeState, thrown } from '../../../test/support/fixtures/patch';

const MEMBER = '6f1c1a36-8ad4-4a3e-9c57-0d7c1b7f3b11';
const apply = (instructions: unknown[]) => applyFlagInstructions(makeState(), instructions, makeCtx());

describe('maintainer and planned removal date instructions', () => {
  it('updateMaintainer sets a member id and clears it with null', () => {
    const set = apply([{ kind: 'updateMaintainer', value: MEMBER }]);
    expect(set.flag.maintainerId).toBe(MEMBER);
    expect(set.flagChanged).toBe(true);
    expect(
      applyFlagInstructions({ ...makeState(), flag: set.flag }, [{ kind: 'updateMaintainer', value: null }], makeCtx())
        .flag.maintainerId,
    ).toBeNull();
    expect(thrown(() => apply([{ kind: 'updateMaintainer', value: 'alice' }])).code).toBe('patch/invalid_instruction');
  });

  it('updatePlannedRemovalDate takes a real ISO-8601 date or date-time, or null', () => {
    expect(apply([{ kind: 'updatePlannedRemovalDate', value: '2027-02-28' }]).flag.plannedRemovalDate).toBe(
      '2027-02-28',
    );
    expect(apply([{ kind: 'updatePlannedRemovalDate', value: '2027-02-28T12:00:00Z' }]).flag.plannedRemovalDate).toBe(
      '2027-02-28T12:00:00Z',
    );
    expect(apply([{ kind: 'updatePlannedRemovalDate', value: null }]).flag.plannedRemovalDate).toBeNull();
    for (const bad of ['2027-02-30', 'tomorrow', '2027-2-1', 20270228])
      expect(thrown(() => apply([{ kind: 'updatePlannedRemovalDate', value: bad }])).code).toBe(
        'patch/invalid_instruction',
      );
  });
});
