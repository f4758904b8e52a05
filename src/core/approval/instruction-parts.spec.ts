import { FLAG_INSTRUCTION_ACTIONS, SEGMENT_INSTRUCTION_ACTIONS } from '../patch';
import { FLAG_INSTRUCTION_PARTS, SEGMENT_INSTRUCTION_PARTS } from './instruction-parts';

// The tables are typed over the kinds, but a cast or an `any` upstream could hide a gap: check the real lists.
describe('instruction parts', () => {
  it('maps exactly the flag instruction kinds', () => {
    expect(Object.keys(FLAG_INSTRUCTION_PARTS).sort()).toEqual(Object.keys(FLAG_INSTRUCTION_ACTIONS).sort());
  });

  it('maps exactly the segment instruction kinds', () => {
    expect(Object.keys(SEGMENT_INSTRUCTION_PARTS).sort()).toEqual(Object.keys(SEGMENT_INSTRUCTION_ACTIONS).sort());
  });

  it('sorts rule edits that name a rule apart from edits of the whole list', () => {
    expect(FLAG_INSTRUCTION_PARTS.addClauses).toBe('rule');
    expect(FLAG_INSTRUCTION_PARTS.addRule).toBe('rules');
    expect(FLAG_INSTRUCTION_PARTS.reorderRules).toBe('rules');
    expect(SEGMENT_INSTRUCTION_PARTS.updateRuleRollout).toBe('rule');
  });
});
