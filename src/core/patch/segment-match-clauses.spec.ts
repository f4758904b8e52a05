import { Clause, Rule } from '../model/flag-config';
import { applyFlagInstructions, applySegmentInstructions, newSegmentReferences, segmentReferences } from './index';
import {
  makeCtx,
  makeEnv,
  makeFlag,
  makeSegment,
  makeSegmentCtx,
  makeState,
  thrown,
} from '../../../test/support/fixtures/patch';

/** Segments 'staff' and 'beta' exist in production, only 'staff' in staging. */
const LIVE: Record<string, string[]> = { production: ['staff', 'beta'], staging: ['staff'] };
const segmentExists = (envKey: string, key: string) => (LIVE[envKey] ?? []).includes(key);

function segmentClause(id: string, values: string[]): Clause {
  return { _id: id, attribute: '', op: 'segmentMatch', values, negate: false };
}

function rule(id: string, clauses: Clause[]): Rule {
  return { _id: id, clauses, variation: 0, trackEvents: false };
}

const state = (rules: Rule[] = [rule('r1', [segmentClause('c1', ['staff'])])], archived = false) =>
  makeState(makeFlag({ archived }), { production: makeEnv({ rules }), staging: makeEnv({ rules }) });

const flagError = (instructions: unknown[], s = state(), environmentKey = 'production') =>
  thrown(() => applyFlagInstructions(s, instructions, makeCtx({ segmentExists, environmentKey })));

describe('segmentMatch clauses name existing segments', () => {
  it.each([
    [
      'addRule',
      { kind: 'addRule', variationId: 'va', clauses: [{ op: 'segmentMatch', attribute: '', values: ['gone'] }] },
      'clauses[0].values[0]',
    ],
    [
      'addClauses',
      { kind: 'addClauses', ruleId: 'r1', clauses: [{ op: 'segmentMatch', attribute: '', values: ['gone'] }] },
      'clauses[0].values[0]',
    ],
    [
      'updateClause',
      {
        kind: 'updateClause',
        ruleId: 'r1',
        clauseId: 'c1',
        clause: { op: 'segmentMatch', attribute: '', values: ['gone'] },
      },
      'clause.values[0]',
    ],
    ['addValuesToClause', { kind: 'addValuesToClause', ruleId: 'r1', clauseId: 'c1', values: ['gone'] }, 'values[0]'],
  ])('%s refuses an unknown segment key with patch/unknown_segment, naming it', (_kind, instruction, field) => {
    const err = flagError([{ kind: 'turnFlagOn' }, instruction]);
    expect(err.code).toBe('patch/unknown_segment');
    expect(err.status).toBe(400);
    expect(err.errors).toEqual([{ index: 1, field, reason: "segment 'gone' does not exist in this environment" }]);
  });

  it('names every missing key of a clause, and checks the environment being patched', () => {
    const instruction = {
      kind: 'addRule',
      variationId: 'va',
      clauses: [{ op: 'segmentMatch', attribute: '', values: ['staff', 'beta', 'nope'] }],
    };
    expect(flagError([instruction], state(), 'staging').errors).toEqual([
      { index: 0, field: 'clauses[0].values[1]', reason: "segment 'beta' does not exist in this environment" },
      { index: 0, field: 'clauses[0].values[2]', reason: "segment 'nope' does not exist in this environment" },
    ]);
    const ok = applyFlagInstructions(
      state(),
      [{ ...instruction, clauses: [{ ...instruction.clauses[0], values: ['staff', 'beta'] }] }],
      makeCtx({ segmentExists }),
    );
    expect(ok.environments.production.rules[1].clauses[0].values).toEqual(['staff', 'beta']);
  });

  it('accepts attribute "" (or none) on segmentMatch, as LaunchDarkly data has it, but not on other ops', () => {
    const result = applyFlagInstructions(
      state(),
      [
        { kind: 'addRule', variationId: 'va', clauses: [{ op: 'segmentMatch', attribute: '', values: ['beta'] }] },
        { kind: 'addRule', variationId: 'vb', clauses: [{ op: 'segmentMatch', values: ['staff'] }] },
      ],
      makeCtx({ segmentExists }),
    );
    expect(result.environments.production.rules.slice(1).map((r) => r.clauses[0].attribute)).toEqual(['', '']);
    const other = flagError([
      { kind: 'addRule', variationId: 'va', clauses: [{ op: 'in', attribute: '', values: ['x'] }] },
    ]);
    expect(other.code).toBe('patch/invalid_instruction');
  });

  it('leaves alone references it does not add (removeValuesFromClause of a dangling key works)', () => {
    const s = state([rule('r1', [segmentClause('c1', ['staff', 'gone'])])]);
    const result = applyFlagInstructions(
      s,
      [{ kind: 'removeValuesFromClause', ruleId: 'r1', clauseId: 'c1', values: ['gone'] }],
      makeCtx({ segmentExists }),
    );
    expect(result.environments.production.rules[0].clauses[0].values).toEqual(['staff']);
  });

  it('restoreFlag refuses when a rule of any environment names a deleted segment, naming it', () => {
    const s = makeState(makeFlag({ archived: true }), {
      production: makeEnv({ rules: [rule('r1', [segmentClause('c1', ['staff', 'beta'])])] }),
      staging: makeEnv({ rules: [rule('r2', [segmentClause('c2', ['staff', 'beta'])])] }),
    });
    const err = flagError([{ kind: 'restoreFlag' }], s);
    expect(err.code).toBe('patch/unknown_segment');
    expect(err.errors).toEqual([
      {
        index: 0,
        field: 'environments.staging.rules[0].clauses[0].values[1]',
        reason: "segment 'beta' does not exist in environment 'staging' (rule 'r2')",
      },
    ]);
    const fine = makeState(makeFlag({ archived: true }), {
      production: makeEnv({ rules: [rule('r1', [segmentClause('c1', ['beta'])])] }),
    });
    expect(applyFlagInstructions(fine, [{ kind: 'restoreFlag' }], makeCtx({ segmentExists })).flag.archived).toBe(
      false,
    );
  });

  it('segment rules: an unknown segment is refused, a live one accepted', () => {
    const ctx = () => makeSegmentCtx({ segmentExists: (key) => key === 'staff' });
    const add = (values: string[]) => [{ kind: 'addRule', clauses: [{ op: 'segmentMatch', attribute: '', values }] }];
    const err = thrown(() => applySegmentInstructions(makeSegment(), add(['staff', 'gone']), ctx()));
    expect(err.code).toBe('patch/unknown_segment');
    expect(err.errors).toEqual([
      { index: 0, field: 'clauses[0].values[1]', reason: "segment 'gone' does not exist in this environment" },
    ]);
    expect(applySegmentInstructions(makeSegment(), add(['staff']), ctx()).segment.rules[0].clauses[0]).toMatchObject({
      attribute: '',
      values: ['staff'],
    });
  });

  it('segmentReferences lists the keys once; newSegmentReferences only those added', () => {
    const before = [rule('r1', [segmentClause('c1', ['b', 'a']), { ...segmentClause('c2', ['x']), op: 'in' }])];
    const after = [...before, rule('r2', [segmentClause('c3', ['a', 'c'])])];
    expect(segmentReferences(after)).toEqual(['a', 'b', 'c']);
    expect(newSegmentReferences(before, after)).toEqual(['c']);
  });
});
