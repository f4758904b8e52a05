/**
 * Typed semantic-patch instructions over GraphQL: one input object per kind under a @oneOf input
 * per resource, derived from the instruction schemas (so every kind has one), converted to the
 * same instruction objects the REST body carries and written through the same write path. The
 * JSON `instructions` argument stays, deprecated.
 */
import { INSTRUCTION_SCHEMAS } from '../../src/core/patch';
import { startGantry, type Gantry } from '../support/app-harness';

const FLAG_ENV = `environments { environmentKey on offVariation
  fallthrough { variation rollout { variations { variation weight } bucketBy } }
  rules { _id description variation clauses { attribute op values negate } } }`;

describe('GraphQL typed instructions', () => {
  let g: Gantry;
  /** The variation ids of 'color' (the flag most tests change): red, green, blue. */
  let red: string, green: string, blue: string;
  const sizeIds: string[] = [];
  const gql = (query: string, variables: Record<string, unknown> = {}) =>
    g.raw('POST', '/graphql', { token: g.ownerToken, body: { query, variables } });
  const flagRest = async (key: string) =>
    (await g.raw('GET', `/api/v1/projects/shop/flags/${key}`, { token: g.ownerToken })).body;
  const patchFlag = `mutation($t: [FlagInstructionInput!], $f: String!) {
    patchFlag(projectKey: "shop", flagKey: $f, environmentKey: "production", typedInstructions: $t) { version ${FLAG_ENV} }
  }`;

  beforeAll(async () => {
    g = await startGantry();
    const token = g.ownerToken;
    const project = await g.raw('POST', '/api/v1/projects', {
      token,
      body: { key: 'shop', name: 'Shop', environments: [{ key: 'production', name: 'Production' }] },
    });
    expect(project.status).toBe(201);
    for (const key of ['color', 'size']) {
      const flag = await g.raw('POST', '/api/v1/projects/shop/flags', {
        token,
        body: { key, name: key, variations: [{ value: 'red' }, { value: 'green' }, { value: 'blue' }] },
      });
      expect(flag.status).toBe(201);
      const ids = flag.body.variations.map((v: { _id: string }) => v._id);
      if (key === 'color') [red, green, blue] = ids;
      else sizeIds.push(...ids);
    }
    const segment = await g.raw('POST', '/api/v1/projects/shop/environments/production/segments', {
      token,
      body: { key: 'beta', name: 'Beta' },
    });
    expect(segment.status).toBe(201);
  });

  afterAll(async () => {
    await g?.stop();
  });

  it('has a @oneOf input with a field for every kind, and an input per kind with its fields', async () => {
    const res = await gql(`{ __schema { types { name kind isOneOf inputFields { name } } } }`);
    expect(res.body.errors).toBeUndefined();
    const types = new Map<string, { isOneOf: boolean; inputFields: { name: string }[] | null }>(
      res.body.data.__schema.types.map((t: { name: string }) => [t.name, t]),
    );
    const names = (type: string) => (types.get(type)?.inputFields ?? []).map((f) => f.name).sort();
    for (const resource of ['Flag', 'Segment'] as const) {
      expect(types.get(`${resource}InstructionInput`)?.isOneOf).toBe(true);
      expect(names(`${resource}InstructionInput`)).toEqual(Object.keys(INSTRUCTION_SCHEMAS[resource]).sort());
      for (const [kind, schema] of Object.entries(INSTRUCTION_SCHEMAS[resource])) {
        const fields = Object.keys(schema.properties).sort();
        const type = `${resource}${kind[0].toUpperCase()}${kind.slice(1)}Input`;
        expect([type, fields.length ? names(type) : null]).toEqual([type, fields.length ? fields : null]);
      }
    }
  });

  it('marks the JSON instructions argument deprecated', async () => {
    const res = await gql(
      `{ __type(name: "Mutation") { fields { name args(includeDeprecated: true) { name isDeprecated } } } }`,
    );
    const args = (mutation: string) =>
      res.body.data.__type.fields.find((f: { name: string }) => f.name === mutation).args as {
        name: string;
        isDeprecated: boolean;
      }[];
    for (const mutation of ['patchFlag', 'patchSegment']) {
      expect(args(mutation)).toEqual(
        expect.arrayContaining([
          { name: 'instructions', isDeprecated: true },
          { name: 'typedInstructions', isDeprecated: false },
        ]),
      );
    }
  });

  it('patchFlag with typed instructions changes the flag through the write path', async () => {
    const res = await gql(patchFlag, {
      f: 'color',
      t: [
        {
          addRule: {
            description: 'staff',
            clauses: [
              { attribute: 'email', op: 'endsWith', values: ['@example.com'] },
              { op: 'segmentMatch', values: ['beta'], negate: true },
            ],
            variationId: green,
          },
        },
        {
          updateFallthroughVariationOrRollout: {
            rolloutWeights: [
              { variationId: red, weight: 25000 },
              { variationId: blue, weight: 75000 },
            ],
            rolloutBucketBy: 'orgId',
          },
        },
        { updateOffVariation: { variationId: null } },
        { turnFlagOn: true },
      ],
    });
    expect(res.body.errors).toBeUndefined();
    const rest = (await flagRest('color')).environments.production;
    expect(rest).toMatchObject({
      on: true,
      offVariation: null,
      fallthrough: {
        rollout: {
          bucketBy: 'orgId',
          variations: [
            { variation: 0, weight: 25000 },
            { variation: 1, weight: 0 },
            { variation: 2, weight: 75000 },
          ],
        },
      },
    });
    expect(rest.rules).toEqual([
      expect.objectContaining({
        description: 'staff',
        variation: 1,
        clauses: [
          expect.objectContaining({ attribute: 'email', op: 'endsWith', values: ['@example.com'], negate: false }),
          expect.objectContaining({ attribute: '', op: 'segmentMatch', values: ['beta'], negate: true }),
        ],
      }),
    ]);
    const audit = await g.raw('GET', '/api/v1/audit-log?resource=proj/shop:env/production:flag/color', {
      token: g.ownerToken,
    });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('updateFlag');
  });

  it('takes typed instructions written inline in the document too', async () => {
    const res = await gql(`mutation {
      patchFlag(projectKey: "shop", flagKey: "size", environmentKey: "production", typedInstructions: [
        { addTargets: { variationId: "${sizeIds[2]}", values: ["alice"], contextKind: "user" } },
        { addRule: { clauses: [{ attribute: "plan", op: in, values: ["pro", 3] }], variationId: "${sizeIds[0]}" } }
      ]) { version }
    }`);
    expect(res.body.errors).toBeUndefined();
    const rest = (await flagRest('size')).environments.production;
    expect(rest.targets).toEqual([{ variation: 2, values: ['alice'] }]);
    expect(rest.rules[0].clauses[0]).toMatchObject({ attribute: 'plan', op: 'in', values: ['pro', 3] });
  });

  it('refuses an item that sets two kinds, writing nothing', async () => {
    const before = await flagRest('color');
    const res = await gql(patchFlag, {
      f: 'color',
      t: [{ turnFlagOff: true, updateOffVariation: { variationId: red } }],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('request/invalid');
    expect(res.body.errors[0].message).toMatch(/t\[0\].*exactly one key/i);
    expect(await flagRest('color')).toEqual(before);
  });

  it('reports a wrong field, a wrong operator or a wrong type as a GraphQL validation error', async () => {
    const before = await flagRest('color');
    const misspelt = await gql(patchFlag, { f: 'color', t: [{ updateOffVariation: { variation: red } }] });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.errors[0].extensions.code).toBe('request/invalid');
    expect(misspelt.body.errors[0].message).toContain(
      '"variation" is not defined by type "FlagUpdateOffVariationInput"',
    );
    const operator = await gql(`mutation {
      patchFlag(projectKey: "shop", flagKey: "color", environmentKey: "production", typedInstructions: [
        { addRule: { clauses: [{ attribute: "plan", op: equals, values: ["pro"] }], variationId: "${red}" } }
      ]) { version }
    }`);
    expect(operator.body.errors[0].extensions.code).toBe('request/invalid');
    expect(operator.body.errors[0].message).toContain('ClauseOp');
    const type = await gql(patchFlag, { f: 'color', t: [{ updateTrackEvents: { trackEvents: 'yes' } }] });
    expect(type.body.errors[0].extensions.code).toBe('request/invalid');
    expect(await flagRest('color')).toEqual(before);
  });

  it('refuses the JSON and the typed list together, and neither', async () => {
    const both = await gql(`mutation {
      patchFlag(projectKey: "shop", flagKey: "color", environmentKey: "production",
        instructions: [{ kind: "turnFlagOff" }], typedInstructions: [{ turnFlagOff: true }]) { version }
    }`);
    expect(both.body.errors[0].extensions).toMatchObject({ code: 'request/invalid', status: 400 });
    expect(both.body.errors[0].message).toContain('not both');
    const neither = await gql(
      `mutation { patchFlag(projectKey: "shop", flagKey: "color", environmentKey: "production") { version } }`,
    );
    expect(neither.body.errors[0].extensions.code).toBe('request/invalid');
  });

  it('the deprecated JSON list still works', async () => {
    const res = await gql(
      `mutation($i: [JSON!]!) {
      patchFlag(projectKey: "shop", flagKey: "size", environmentKey: "production", instructions: $i) { version }
    }`,
      { i: [{ kind: 'turnFlagOn' }] },
    );
    expect(res.body.errors).toBeUndefined();
    expect((await flagRest('size')).environments.production.on).toBe(true);
  });

  it('patchSegment takes typed segment instructions', async () => {
    const res = await gql(
      `mutation($t: [SegmentInstructionInput!]) {
        patchSegment(projectKey: "shop", environmentKey: "production", segmentKey: "beta", typedInstructions: $t) {
          included rules { weight clauses { attribute op values } }
        }
      }`,
      {
        t: [
          { addIncludedTargets: { values: ['bob'] } },
          { addRule: { clauses: [{ attribute: 'country', op: 'in', values: ['NL'] }], weight: 50000 } },
        ],
      },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.patchSegment).toEqual({
      included: ['bob'],
      rules: [{ weight: 50000, clauses: [{ attribute: 'country', op: 'in', values: ['NL'] }] }],
    });
  });

  it('change requests and scheduled changes take typed instructions, typed by their resource', async () => {
    const created = await gql(
      `mutation($t: [FlagInstructionInput!]) {
        createFlagChangeRequest(projectKey: "shop", flagKey: "color", environmentKey: "production",
          input: { description: "off", typedFlagInstructions: $t }) { id instructions }
      }`,
      { t: [{ updateTrackEventsFallthrough: { trackEvents: true } }] },
    );
    expect(created.body.errors).toBeUndefined();
    const { id, instructions } = created.body.data.createFlagChangeRequest;
    expect(instructions).toEqual([{ kind: 'updateTrackEventsFallthrough', trackEvents: true }]);

    const update = `mutation($id: String!, $input: UpdateChangeRequestInput!) {
      updateChangeRequest(id: $id, input: $input) { instructions }
    }`;
    const edited = await gql(update, {
      id,
      input: { typedFlagInstructions: [{ updateOffVariation: { variationId: green } }] },
    });
    expect(edited.body.errors).toBeUndefined();
    expect(edited.body.data.updateChangeRequest.instructions).toEqual([
      { kind: 'updateOffVariation', variationId: green },
    ]);
    const wrongResource = await gql(update, {
      id,
      input: { typedSegmentInstructions: [{ addTags: { values: ['x'] } }] },
    });
    expect(wrongResource.body.errors[0].extensions.code).toBe('request/invalid');
    expect(wrongResource.body.errors[0].message).toContain('this change request is for a flag');
    const wrongCreate = await gql(`mutation {
      createSegmentChangeRequest(projectKey: "shop", environmentKey: "production", segmentKey: "beta",
        input: { typedFlagInstructions: [{ turnFlagOn: true }] }) { id }
    }`);
    expect(wrongCreate.body.errors[0].extensions.code).toBe('request/invalid');
    expect(wrongCreate.body.errors[0].message).toContain('this change request is for a segment');

    const scheduled = await gql(
      `mutation($t: [FlagInstructionInput!]) {
        createScheduledChange(projectKey: "shop", flagKey: "color", environmentKey: "production",
          input: { executionDate: "${new Date(Date.now() + 3_600_000).toISOString()}", typedInstructions: $t }) { instructions }
      }`,
      { t: [{ updateTrackEvents: { trackEvents: true } }] },
    );
    expect(scheduled.body.errors).toBeUndefined();
    expect(scheduled.body.data.createScheduledChange.instructions).toEqual([
      { kind: 'updateTrackEvents', trackEvents: true },
    ]);
  });
});
