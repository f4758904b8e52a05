import { startGantry, type Gantry } from '../support/app-harness';

/** GraphQL is a second transport over the same services: it must return what REST returns. */
const FLAG_FIELDS = `
  key name description kind version tags temporary archived
  variations { _id value name description }
  defaults { onVariation offVariation }
  clientSideAvailability { usingEnvironmentId usingMobileKey }
  environments {
    environmentKey on offVariation version salt trackEvents trackEventsFallthrough
    fallthrough { variation rollout { variations { variation weight untracked } bucketBy contextKind kind seed } }
    targets { variation values contextKind }
    contextTargets { variation values contextKind }
    rules { _id description trackEvents variation
      rollout { variations { variation weight untracked } bucketBy contextKind kind seed }
      clauses { _id contextKind attribute op values negate } }
    prerequisites { key variation }
  }`;

/** GraphQL has no maps and says null where REST leaves a field out; bring it to the REST shape. */
function restShape(flag: Record<string, unknown>): unknown {
  const dropNulls = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(dropNulls);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => x !== null)
          .map(([k, x]) => [k, dropNulls(x)]),
      );
    return v;
  };
  const { environments, ...rest } = flag as { environments: { environmentKey: string }[] };
  return dropNulls({
    ...rest,
    environments: Object.fromEntries(environments.map(({ environmentKey, ...e }) => [environmentKey, e])),
  });
}

describe('GraphQL', () => {
  let g: Gantry;
  const gql = (query: string, variables: Record<string, unknown> = {}, token?: string) =>
    g.raw('POST', '/graphql', { token: token ?? g.ownerToken, body: { query, variables } });

  beforeAll(async () => {
    g = await startGantry();
    const token = g.ownerToken;
    await g.raw('POST', '/api/v1/projects', {
      token,
      body: {
        key: 'shop',
        name: 'Shop',
        environments: [
          { key: 'staging', name: 'Staging' },
          { key: 'production', name: 'Production' },
        ],
      },
    });
    await g.raw('POST', '/api/v1/projects/shop/flags', { token, body: { key: 'banner', name: 'Banner' } });
    const color = await g.raw('POST', '/api/v1/projects/shop/flags', {
      token,
      body: {
        key: 'color',
        name: 'Color',
        variations: [{ value: 'red', name: 'Red' }, { value: 'green' }, { value: 'blue' }],
        defaults: { onVariation: 1, offVariation: 0 },
        tags: ['ui'],
      },
    });
    const banner = await g.raw('GET', '/api/v1/projects/shop/flags/banner', { token });
    const [red, green, blue] = color.body.variations.map((v: { _id: string }) => v._id);
    const patched = await g.raw('PATCH', '/api/v1/projects/shop/flags/color', {
      token,
      body: {
        environmentKey: 'production',
        instructions: [
          {
            kind: 'addRule',
            clauses: [{ attribute: 'country', op: 'in', values: ['NL', 'DE'] }],
            rolloutWeights: { [red]: 20000, [green]: 30000, [blue]: 50000 },
            description: 'EU',
          },
          { kind: 'addTargets', variationId: blue, values: ['alice'] },
          { kind: 'addPrerequisite', key: 'banner', variationId: banner.body.variations[0]._id },
          { kind: 'turnFlagOn' },
        ],
      },
    });
    expect(patched.status).toBe(200);
  });

  afterAll(async () => {
    await g?.stop();
  });

  it('returns the same flag as REST', async () => {
    const rest = await g.raw('GET', '/api/v1/projects/shop/flags/color', { token: g.ownerToken });
    const res = await gql(`query($p: String!, $k: String!) { flag(projectKey: $p, key: $k) { ${FLAG_FIELDS} } }`, {
      p: 'shop',
      k: 'color',
    });
    expect(res.body.errors).toBeUndefined();
    expect(restShape(res.body.data.flag)).toEqual(rest.body);
    expect(
      rest.body.environments.production.rules[0].rollout.variations.map((v: { weight: number }) => v.weight),
    ).toEqual([20000, 30000, 50000]);
  });

  it('changes targeting through the same write path and reports the same error codes', async () => {
    const mutation = `
      mutation($i: [JSON!]!, $m: String) {
        patchFlag(projectKey: "shop", flagKey: "banner", environmentKey: "staging", instructions: $i, ifMatch: $m) {
          key
          environments { environmentKey on version }
        }
      }`;
    const ok = await gql(mutation, { i: [{ kind: 'turnFlagOn' }], m: '1' });
    expect(ok.body.data.patchFlag.environments).toEqual(
      expect.arrayContaining([{ environmentKey: 'staging', on: true, version: 2 }]),
    );
    const stale = await gql(mutation, { i: [{ kind: 'turnFlagOff' }], m: '1' });
    expect(stale.body.errors[0].extensions.code).toBe('flag/version_mismatch');
    const unknown = await gql(mutation, { i: [{ kind: 'flipFlag' }] });
    expect(unknown.body.errors[0].extensions.code).toBe('patch/unknown_instruction');
    const audit = await g.raw('GET', '/api/v1/audit-log?resource=proj/shop:env/staging:flag/banner&action=updateOn', {
      token: g.ownerToken,
    });
    expect(audit.body.items).toHaveLength(1);
  });

  it('needs a token and names missing resources with their code', async () => {
    const anonymous = await g.raw('POST', '/graphql', { body: { query: '{ projects { key } }' } });
    expect(anonymous.body.errors[0].extensions.code).toBe('auth/unauthenticated');
    const missing = await gql('{ flag(projectKey: "shop", key: "nope") { key } }');
    expect(missing.body.errors[0].extensions.code).toBe('flag/not_found');
  });
});
