/**
 * GraphQL refuses over-deep, over-aliased and over-costly queries before running them, with a
 * graphql/query_too_complex error; the queries a console sends still pass.
 */
import { startGantry, type Gantry } from '../support/app-harness';

const FLAG_FIELDS = `
  key name description kind version tags temporary archived
  variations { _id value name description }
  defaults { onVariation offVariation }
  environments {
    environmentKey on offVariation version
    fallthrough { variation rollout { variations { variation weight } bucketBy } }
    targets { variation values contextKind }
    rules { _id description variation clauses { _id contextKind attribute op values negate } }
    prerequisites { key variation }
  }`;

interface GqlBody {
  data: unknown;
  errors?: { message: string; extensions: { code: string; status: number } }[];
}

describe('GraphQL query limits', () => {
  let g: Gantry;
  const gql = (query: string) => g.raw<GqlBody>('POST', '/graphql', { token: g.ownerToken, body: { query } });

  beforeAll(async () => {
    g = await startGantry();
    await g.raw('POST', '/api/v1/projects', {
      token: g.ownerToken,
      body: { key: 'shop', name: 'Shop', environments: [{ key: 'dev', name: 'Dev' }] },
    });
    await g.raw('POST', '/api/v1/projects/shop/flags', {
      token: g.ownerToken,
      body: { key: 'banner', name: 'Banner' },
    });
  });

  afterAll(async () => {
    await g?.stop();
  });

  it('answers console-like queries', async () => {
    const res = await gql(`query Console {
      me { __typename }
      projects { key name environments { key name critical } }
      flags(projectKey: "shop", limit: 200) { ${FLAG_FIELDS} }
      flag(projectKey: "shop", key: "banner") { ${FLAG_FIELDS} }
    }`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect((res.body.data as { flags: { key: string }[] }).flags.map((f) => f.key)).toEqual(['banner']);
  });

  it('refuses an over-deep query with graphql/query_too_complex (400)', async () => {
    const res = await gql(`{ __type(name: "Flag") { ${'ofType { '.repeat(16)} name ${'} '.repeat(16)} } }`);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toEqual([
      {
        message: 'the operation nests 18 levels deep; at most 15',
        extensions: expect.objectContaining({ code: 'graphql/query_too_complex', status: 400 }),
      },
    ]);
  });

  it('refuses 2,000 aliases before running them', async () => {
    const aliases = Array.from({ length: 2000 }, (_, i) => `a${i}: projects { key }`).join(' ');
    const res = await gql(`query Many { ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        message: "operation 'Many' has 2000 aliased fields; at most 50",
        extensions: expect.objectContaining({ code: 'graphql/query_too_complex' }),
      },
    ]);
  });

  it('refuses a fragment fan-out by what it expands to', async () => {
    const fragment = `fragment P on Query { ${Array.from({ length: 20 }, (_, i) => `p${i}: projects { key }`).join(' ')} }`;
    const res = await gql(`{ ...P ...P ...P } ${fragment}`);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]).toMatchObject({
      message: 'the operation has 60 aliased fields; at most 50',
      extensions: { code: 'graphql/query_too_complex' },
    });
  });
});
