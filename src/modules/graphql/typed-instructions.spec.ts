import { INSTRUCTION_SCHEMAS, applyFlagInstructions, applySegmentInstructions } from '../../core/patch';
import { makeCtx, makeSegment, makeSegmentCtx, makeState, thrown } from '../../../test/support/fixtures/patch';
import {
  TYPED_INSTRUCTION_PLAN,
  TYPED_RESOURCES,
  chosenInstructions,
  chosenRequestInstructions,
  fromTypedInstructions,
  kindInputName,
  unionInputName,
} from './typed-instructions';

const input = (name: string) => TYPED_INSTRUCTION_PLAN.inputs.find((plan) => plan.name === name);
const sorted = (names: string[]) => [...names].sort();

describe('typed GraphQL instruction inputs cannot drift from the instruction schemas', () => {
  it.each(TYPED_RESOURCES)('%s: the @oneOf input has one optional field per kind, and nothing else', (resource) => {
    const union = input(unionInputName(resource));
    expect(union?.oneOf).toBe(true);
    expect(sorted(union?.fields.map((f) => f.name) ?? [])).toEqual(sorted(Object.keys(INSTRUCTION_SCHEMAS[resource])));
    expect(union?.fields.every((f) => f.nullable && !f.list)).toBe(true);
  });

  it.each(TYPED_RESOURCES)('%s: each kind with fields has an input with exactly those fields', (resource) => {
    for (const [kind, schema] of Object.entries(INSTRUCTION_SCHEMAS[resource])) {
      const fields = Object.keys(schema.properties);
      const field = input(unionInputName(resource))?.fields.find((f) => f.name === kind);
      if (!fields.length) {
        expect([kind, field?.type]).toEqual([kind, { scalar: 'Boolean' }]);
        continue;
      }
      const kindInput = input(kindInputName(resource, kind));
      expect([kind, field?.type]).toEqual([kind, { input: kindInputName(resource, kind) }]);
      expect([kind, sorted(kindInput?.fields.map((f) => f.name) ?? [])]).toEqual([kind, sorted(fields)]);
      // Required (and not nullable) fields are non-null in GraphQL too.
      for (const f of kindInput?.fields ?? [])
        expect([kind, f.name, f.nullable]).toEqual([
          kind,
          f.name,
          !(schema.required ?? []).includes(f.name) || schema.properties[f.name].nullable === true,
        ]);
    }
  });

  it('types clauses with every operator as an enum, and rollouts as a list of weights', () => {
    expect(TYPED_INSTRUCTION_PLAN.enums).toEqual([expect.objectContaining({ name: 'ClauseOp' })]);
    expect(TYPED_INSTRUCTION_PLAN.enums[0].values).toContain('segmentMatch');
    expect(TYPED_INSTRUCTION_PLAN.enums[0].values).toContain('semVerGreaterThan');
    expect(input('ClauseInput')?.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'op', type: { enum: 'ClauseOp' }, nullable: false }),
        expect.objectContaining({ name: 'values', type: { scalar: 'JSON' }, list: true, nullable: false }),
        // Only segmentMatch clauses may leave it out.
        expect.objectContaining({ name: 'attribute', nullable: true }),
      ]),
    );
    expect(input('FlagAddRuleInput')?.fields).toContainEqual(
      expect.objectContaining({ name: 'rolloutWeights', type: { input: 'RolloutWeightInput' }, list: true }),
    );
    const names = TYPED_INSTRUCTION_PLAN.inputs.map((plan) => plan.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('typed instructions become the instruction objects the write path takes', () => {
  it('turns each item into { kind, ...fields }, weights lists into maps', () => {
    // GraphQL builds literal input objects without a prototype.
    const clause = Object.assign(Object.create(null) as object, { attribute: 'email', op: 'endsWith', values: ['@x'] });
    const instructions = fromTypedInstructions('Flag', [
      { turnFlagOn: true },
      {
        addRule: {
          clauses: [clause],
          rolloutWeights: [
            { variationId: 'va', weight: 40000 },
            { variationId: 'vc', weight: 60000 },
          ],
        },
      },
      { updateOffVariation: { variationId: null } },
      { addTargets: { variationId: 'vb', values: ['alice'], contextKind: undefined } },
    ]);
    expect(instructions).toEqual([
      { kind: 'turnFlagOn' },
      {
        kind: 'addRule',
        clauses: [{ attribute: 'email', op: 'endsWith', values: ['@x'] }],
        rolloutWeights: { va: 40000, vc: 60000 },
      },
      { kind: 'updateOffVariation', variationId: null },
      { kind: 'addTargets', variationId: 'vb', values: ['alice'] },
    ]);
    const result = applyFlagInstructions(makeState(), instructions, makeCtx());
    expect(result.environments.production).toMatchObject({ on: true, offVariation: null });
    expect(result.environments.production.rules[0].rollout?.variations.map((v) => v.weight)).toEqual([40000, 0, 60000]);
  });

  it('converts segment instructions, nested clauses included', () => {
    const instructions = fromTypedInstructions('Segment', [
      { addRule: { clauses: [{ op: 'segmentMatch', values: ['other'] }], weight: 5000 } },
      { updateClause: { ruleId: 'id1', clauseId: 'id2', clause: { attribute: 'plan', op: 'in', values: ['pro'] } } },
    ]);
    expect(instructions[1]).toEqual({
      kind: 'updateClause',
      ruleId: 'id1',
      clauseId: 'id2',
      clause: { attribute: 'plan', op: 'in', values: ['pro'] },
    });
    expect(applySegmentInstructions(makeSegment(), instructions, makeSegmentCtx()).segment.rules[0]).toMatchObject({
      weight: 5000,
      clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }],
    });
  });

  it('refuses an item that sets no kind or two, naming its index', () => {
    const two = thrown(() =>
      fromTypedInstructions('Flag', [{ turnFlagOn: true }, { turnFlagOn: true, turnFlagOff: true }]),
    );
    expect(two).toMatchObject({ code: 'request/invalid', status: 400 });
    expect(two.errors).toEqual([
      {
        index: 1,
        field: 'typedInstructions[1]',
        reason: 'set exactly one instruction kind, not turnFlagOn, turnFlagOff',
      },
    ]);
    expect(thrown(() => fromTypedInstructions('Flag', [{ turnFlagOn: null }])).errors?.[0]).toMatchObject({ index: 0 });
    expect(thrown(() => fromTypedInstructions('Flag', [{ turnFlagOn: false }])).errors?.[0]).toMatchObject({
      field: 'typedInstructions[0].turnFlagOn',
      reason: 'must be true (the instruction takes no fields)',
    });
    expect(thrown(() => fromTypedInstructions('Segment', [{ turnFlagOn: true }])).code).toBe('request/invalid');
    const twice = thrown(() =>
      fromTypedInstructions('Flag', [
        {
          updateFallthroughVariationOrRollout: {
            rolloutWeights: [
              { variationId: 'va', weight: 1 },
              { variationId: 'va', weight: 2 },
            ],
          },
        },
      ]),
    );
    expect(twice.errors?.[0]).toMatchObject({
      field: 'typedInstructions[0].updateFallthroughVariationOrRollout.rolloutWeights[1].variationId',
    });
  });

  it('takes the typed list or the deprecated JSON list, exactly one', () => {
    expect(chosenInstructions('Flag', { typedInstructions: [{ turnFlagOff: true }] })).toEqual([
      { kind: 'turnFlagOff' },
    ]);
    expect(chosenInstructions('Flag', { instructions: [{ kind: 'turnFlagOff' }], typedInstructions: null })).toEqual([
      { kind: 'turnFlagOff' },
    ]);
    expect(thrown(() => chosenInstructions('Flag', {})).code).toBe('request/invalid');
    expect(
      thrown(() => chosenInstructions('Flag', { instructions: [], typedInstructions: [{ turnFlagOn: true }] })).message,
    ).toBe('typedInstructions: give typedInstructions or instructions, not both');
  });

  it("types an edited change request's instructions by its resource kind", () => {
    expect(chosenRequestInstructions('segment', {})).toBeUndefined();
    expect(chosenRequestInstructions('flag', { typedFlagInstructions: [{ turnFlagOn: true }] })).toEqual([
      { kind: 'turnFlagOn' },
    ]);
    expect(
      thrown(() => chosenRequestInstructions('flag', { typedSegmentInstructions: [{ addTags: { values: ['a'] } }] }))
        .message,
    ).toBe('typedSegmentInstructions: this change request is for a flag, not a segment');
    expect(
      thrown(() =>
        chosenRequestInstructions('flag', { instructions: [], typedFlagInstructions: [{ turnFlagOn: true }] }),
      ).code,
    ).toBe('request/invalid');
  });
});
