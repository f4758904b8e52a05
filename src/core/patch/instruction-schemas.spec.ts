import {
  ENVIRONMENT_INSTRUCTION_FIELDS,
  ENVIRONMENT_INSTRUCTION_KINDS,
  SETTINGS_TYPES,
  parseEnvironmentInstructions,
} from '../approval/environment-governance';
import { CLAUSE_OPS } from '../model/flag-config';
import { CLAUSE_INPUT_FIELDS } from './clause-input';
import { FLAG_INSTRUCTION_ACTIONS, FLAG_INSTRUCTION_HANDLERS } from './flag-instructions';
import { TARGET_FIELDS } from './flag-target-instructions';
import { SERVE_PROPERTIES } from './instruction-schema-parts';
import {
  INSTRUCTION_COMPONENTS,
  INSTRUCTION_SCHEMAS,
  INSTRUCTION_UNIONS,
  instructionComponentName,
  instructionJsonSchema,
  type InstructionResource,
} from './instruction-schemas';
import { JsonSchema, refName } from './json-schema';
import { SERVE_FIELDS } from './rollout-input';
import { SEGMENT_HANDLERS } from './segment-instructions';
import { applyFlagInstructions, applySegmentInstructions, restoreInstructions } from './index';
import { makeCtx, makeEnv, makeSegment, makeSegmentCtx, makeState, thrown } from '../../../test/support/fixtures/patch';
import { validate } from '../../../test/support/fixtures/json-schema';

const sorted = (names: Iterable<string>) => [...names].sort();
const propertiesOf = (name: string) => sorted(Object.keys(INSTRUCTION_COMPONENTS[name]?.properties ?? {}));
const requiredOf = (name: string) => sorted(INSTRUCTION_COMPONENTS[name]?.required ?? []);

/** Each resource's kinds and the fields its handlers read (besides `kind`). */
const HANDLER_FIELDS: Record<InstructionResource, Record<string, readonly string[]>> = {
  Flag: Object.fromEntries(Object.entries(FLAG_INSTRUCTION_HANDLERS).map(([kind, h]) => [kind, h.fields])),
  Segment: Object.fromEntries(Object.entries(SEGMENT_HANDLERS).map(([kind, h]) => [kind, h.fields])),
  Environment: ENVIRONMENT_INSTRUCTION_FIELDS,
};
const RESOURCES = Object.keys(HANDLER_FIELDS) as InstructionResource[];

describe('instruction schemas cannot drift from the handlers', () => {
  it.each(RESOURCES)('%s: every kind the handlers accept has a schema with exactly their fields + kind', (resource) => {
    const kinds = Object.keys(HANDLER_FIELDS[resource]);
    expect(kinds.length).toBeGreaterThan(3);
    for (const kind of kinds) {
      const name = instructionComponentName(resource, kind);
      expect([name, propertiesOf(name)]).toEqual([name, sorted(['kind', ...HANDLER_FIELDS[resource][kind]])]);
      expect(INSTRUCTION_COMPONENTS[name]).toMatchObject({
        type: 'object',
        additionalProperties: false,
        properties: { kind: { type: 'string', enum: [kind] } },
        description: expect.stringMatching(/\S/),
      });
      expect(requiredOf(name)).toContain('kind');
    }
  });

  it.each(RESOURCES)('%s: no schema names a kind the handlers do not know', (resource) => {
    expect(sorted(Object.keys(INSTRUCTION_SCHEMAS[resource]))).toEqual(sorted(Object.keys(HANDLER_FIELDS[resource])));
    const prefix = `${resource}Instruction_`;
    const described = Object.keys(INSTRUCTION_COMPONENTS).filter((name) => name.startsWith(prefix));
    expect(sorted(described.map((name) => name.slice(prefix.length)))).toEqual(
      sorted(Object.keys(HANDLER_FIELDS[resource])),
    );
    expect(ENVIRONMENT_INSTRUCTION_KINDS).toEqual(Object.keys(ENVIRONMENT_INSTRUCTION_FIELDS));
  });

  it('every field has a type (or a reference) and a one-line meaning', () => {
    for (const resource of RESOURCES) {
      for (const [kind, schema] of Object.entries(INSTRUCTION_SCHEMAS[resource])) {
        for (const [field, fieldSchema] of Object.entries<JsonSchema>(schema.properties)) {
          const where = `${resource}.${kind}.${field}`;
          expect([where, Boolean(fieldSchema.type ?? fieldSchema.$ref ?? fieldSchema.anyOf)]).toEqual([where, true]);
          if (!fieldSchema.$ref)
            expect([where, fieldSchema.description]).toEqual([where, expect.stringMatching(/^[^\n]+$/)]);
        }
        for (const field of schema.required ?? []) expect(Object.keys(schema.properties)).toContain(field);
      }
    }
  });

  it('describes clauses with every operator and exactly the fields a clause input takes', () => {
    const variants = ['AttributeClauseInput', 'SegmentMatchClauseInput'];
    for (const name of variants) expect(propertiesOf(name)).toEqual(sorted(CLAUSE_INPUT_FIELDS));
    const ops = variants.flatMap((name) => INSTRUCTION_COMPONENTS[name].properties?.op?.enum ?? []);
    expect(sorted(ops.map(String))).toEqual(sorted(CLAUSE_OPS));
    expect(INSTRUCTION_COMPONENTS.ClauseInput.oneOf?.map(refName)).toEqual(variants);
  });

  it('describes targets, rollouts and approval settings with the fields their readers take', () => {
    expect(propertiesOf('TargetInput')).toEqual(sorted(TARGET_FIELDS));
    expect(sorted(Object.keys(SERVE_PROPERTIES))).toEqual(sorted(SERVE_FIELDS));
    expect(propertiesOf('ApprovalSettingsPatch')).toEqual(sorted(Object.keys(SETTINGS_TYPES)));
  });

  it('resolves every $ref to a component', () => {
    const refs: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [key, v] of Object.entries(value)) {
          if (key === '$ref') refs.push(v as string);
          else walk(v);
        }
      }
    };
    walk(INSTRUCTION_COMPONENTS);
    const unresolved = refs.filter((ref) => !INSTRUCTION_COMPONENTS[refName({ $ref: ref }) ?? '']);
    expect(refs.length).toBeGreaterThan(50);
    expect(unresolved).toEqual([]);
  });

  it('discriminates each union by kind, mapping every kind of its resource', () => {
    for (const resource of ['Flag', 'Segment', 'Environment'] as const) {
      const union = INSTRUCTION_COMPONENTS[`${resource}Instruction`];
      const kinds = Object.keys(HANDLER_FIELDS[resource]);
      expect(union.discriminator?.propertyName).toBe('kind');
      expect(sorted(Object.keys(union.discriminator?.mapping ?? {}))).toEqual(sorted(kinds));
      expect(union.oneOf).toHaveLength(kinds.length);
    }
    const environmentScope = Object.keys(
      INSTRUCTION_COMPONENTS.FlagEnvironmentInstruction.discriminator?.mapping ?? {},
    );
    expect(sorted(environmentScope)).toEqual(
      sorted(Object.entries(FLAG_INSTRUCTION_ACTIONS).flatMap(([k, a]) => (a.scope === 'environment' ? [k] : []))),
    );
    expect(INSTRUCTION_UNIONS.every((name) => INSTRUCTION_COMPONENTS[name])).toBe(true);
  });
});

describe('instruction schemas accept real instructions and refuse what the handlers refuse', () => {
  const flagSchema = instructionJsonSchema('FlagInstruction');
  const segmentSchema = instructionJsonSchema('SegmentInstruction');
  const environmentSchema = instructionJsonSchema('EnvironmentInstruction');

  // Accepted by applyFlagInstructions on the fixture flag (variations va, vb, vc; environment production).
  const realFlagInstructions: Record<string, unknown>[] = [
    { kind: 'turnFlagOn' },
    {
      kind: 'addRule',
      ruleId: 'staff',
      description: 'staff first',
      clauses: [
        { attribute: 'email', op: 'endsWith', values: ['@example.com'] },
        { contextKind: 'org', attribute: '/address/city', op: 'in', values: ['Paris', 42], negate: true },
        { op: 'segmentMatch', values: ['beta-users'] },
      ],
      variationId: 'vb',
    },
    {
      kind: 'updateFallthroughVariationOrRollout',
      rolloutWeights: { va: 25000, vb: 75000 },
      rolloutBucketBy: 'orgId',
      rolloutContextKind: 'org',
    },
    { kind: 'updateRuleVariationOrRollout', ruleId: 'staff', rolloutWeights: { vc: 100000 } },
    { kind: 'addValuesToClause', ruleId: 'staff', clauseId: 'id1', values: ['@example.org'] },
    { kind: 'addTargets', variationId: 'va', values: ['alice', 'bob'] },
    { kind: 'replaceTargets', targets: [{ variationId: 'vc', values: ['carol'], contextKind: 'device' }] },
    { kind: 'updateOffVariation', variationId: null },
    { kind: 'updateTrackEventsFallthrough', trackEvents: true },
    { kind: 'addVariation', value: 'd', name: 'Dee' },
    { kind: 'updateVariation', variationId: 'va', description: '' },
    { kind: 'addTags', values: ['web', 'checkout.v2'] },
    { kind: 'updateMaintainer', value: null },
    { kind: 'updatePlannedRemovalDate', value: '2027-03-31' },
    { kind: 'updateName', value: 'Checkout v2' },
  ];

  it('accepts real flag instructions, which the handlers apply', () => {
    for (const instruction of realFlagInstructions)
      expect([instruction.kind, validate(flagSchema, instruction)]).toEqual([instruction.kind, []]);
    expect(() => applyFlagInstructions(makeState(), realFlagInstructions, makeCtx())).not.toThrow();
  });

  it('accepts real segment and environment instructions, which the handlers apply', () => {
    const segment = [
      { kind: 'addIncludedTargets', values: ['u2'], contextKind: 'org' },
      {
        kind: 'addRule',
        clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }],
        weight: 50000,
        rolloutBucketBy: 'orgId',
      },
      { kind: 'updateRuleRollout', ruleId: 'id1', weight: null },
      { kind: 'removeTags', values: ['b'] },
    ];
    for (const instruction of segment) expect(validate(segmentSchema, instruction)).toEqual([]);
    expect(() => applySegmentInstructions(makeSegment(), segment, makeSegmentCtx())).not.toThrow();

    const environment = [
      { kind: 'updateEnvironment', name: 'Prod', color: 'ff00aa', critical: true, tags: ['eu'] },
      { kind: 'updateApprovalSettings', settings: { required: true, minApprovals: 2, conditions: ['toggle'] } },
      { kind: 'removeApprovalSettings' },
    ];
    for (const instruction of environment) expect(validate(environmentSchema, instruction)).toEqual([]);
    expect(() => parseEnvironmentInstructions(environment)).not.toThrow();
  });

  it('accepts what version restore writes (environment instructions, generated from two configs)', () => {
    const schema = instructionJsonSchema('FlagEnvironmentInstruction');
    const rich = makeEnv({
      on: false,
      offVariation: 2,
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 50000 },
            { variation: 1, weight: 50000 },
            { variation: 2, weight: 0 },
          ],
          bucketBy: 'orgId',
          contextKind: 'org',
        },
      },
      targets: [{ variation: 1, values: ['alice'] }],
      contextTargets: [
        { contextKind: 'user', variation: 1, values: [] },
        { contextKind: 'org', variation: 2, values: ['acme'] },
      ],
      rules: [
        {
          _id: 'r1',
          description: 'staff',
          clauses: [
            { _id: 'c1', attribute: 'email', op: 'endsWith', values: ['@x'], negate: false },
            { _id: 'c2', attribute: '', op: 'segmentMatch', values: ['beta'], negate: true },
          ],
          variation: 2,
          trackEvents: true,
        },
      ],
      prerequisites: [{ key: 'p1', variation: 0 }],
      trackEvents: true,
    });
    const plain = makeEnv({
      rules: [
        {
          _id: 'r2',
          clauses: [{ _id: 'c3', attribute: 'plan', op: 'in', values: ['pro'], negate: false }],
          variation: 0,
          trackEvents: false,
        },
      ],
    });
    const lookups = {
      prerequisiteVariations: () => [
        { _id: 'p-on', value: true },
        { _id: 'p-off', value: false },
      ],
    };
    const flag = makeState().flag;
    for (const [from, to] of [
      [plain, rich],
      [rich, plain],
    ]) {
      const instructions = restoreInstructions({ flag, environment: from }, { flag, environment: to }, lookups);
      expect(instructions.length).toBeGreaterThan(4);
      for (const instruction of instructions)
        expect([instruction.kind, validate(schema, instruction)]).toEqual([instruction.kind, []]);
    }
  });

  it.each([
    ['a misspelt field', { kind: 'updateOffVariation', variation: 'va' }, 'not allowed'],
    ['an unknown kind', { kind: 'turnFlagSideways' }, 'matches none of oneOf'],
    [
      'a wrong clause operator',
      { kind: 'addRule', clauses: [{ attribute: 'email', op: 'equals', values: ['a'] }], variationId: 'va' },
      'clauses[0]: matches none of oneOf',
    ],
    ['a wrong type', { kind: 'updateTrackEvents', trackEvents: 'yes' }, 'must be boolean'],
    ['a missing field', { kind: 'addTargets', values: ['alice'] }, 'variationId is required'],
    ['a weight out of range', { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { va: 100001 } }, 'above'],
    ['a bad tag', { kind: 'addTags', values: ['no spaces'] }, 'pattern'],
  ])('refuses %s, as the handlers do', (_what, instruction, reason) => {
    expect(validate(flagSchema, instruction)).not.toEqual([]);
    // The union only says no variant matched; the kind's own schema says why.
    const own = { ...flagSchema, $ref: `#/$defs/${instructionComponentName('Flag', instruction.kind)}` };
    if (INSTRUCTION_COMPONENTS[instructionComponentName('Flag', instruction.kind)])
      expect(validate(own, instruction).join('; ')).toContain(reason);
    else expect(validate(flagSchema, instruction).join('; ')).toContain(reason);
    expect(thrown(() => applyFlagInstructions(makeState(), [instruction], makeCtx())).code).toMatch(/^patch\//);
  });

  it('refuses an unknown environment field, as the parser now does', () => {
    const typo = { kind: 'updateEnvironment', name: 'Prod', colour: 'ff00aa' };
    expect(validate(environmentSchema, typo).join('; ')).toContain('colour: not allowed');
    expect(thrown(() => parseEnvironmentInstructions([typo])).errors).toEqual([
      { index: 0, reason: 'colour: unknown field' },
    ]);
  });

  it('gives a standalone JSON Schema with every component under $defs and no OpenAPI-only keyword', () => {
    const text = JSON.stringify(flagSchema);
    expect(flagSchema).toMatchObject({ $ref: '#/$defs/FlagInstruction' });
    expect(text).not.toContain('#/components/');
    expect(text).not.toContain('"nullable"');
    expect(text).not.toContain('"discriminator"');
  });
});
