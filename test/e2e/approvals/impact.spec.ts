/**
 * What reviewers see of a change request before approving it:
 * - POST /impact over supplied contexts (sample left out): how many were valid or invalid, how many
 *   change, and each variation transition with its count and example context keys, all worked out
 *   by hand from the flag's rule, targets and fallthrough;
 * - GET /diff: the human-readable change list;
 * - GET /impact over the environment's sample of contexts seen by OFREP evaluations, and POST
 *   /impact combining that sample with supplied contexts.
 *
 * The flag (boolean: variation 0 = true, 1 = false) in production is on, with a rule
 * "email endsWith @example.com" serving true and a fallthrough serving false. The change request
 * makes the rule serve false and targets user u-4 with true. So, by hand:
 *   email @example.com, not u-4   true  → false   (0 → 1)
 *   u-4                           false → true    (1 → 0)
 *   anyone else                   false → false   (unchanged)
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Flag, type Project, type Schemas } from '../../support/factories';
import { memberWithToken, openFlagRequest, type ChangeRequest } from '../../support/governance';

type ImpactBody = Schemas['ImpactRequestDto'];
/** The OpenAPI document types supplied contexts as empty objects; any JSON object is accepted. */
const asContexts = (contexts: object[]) => contexts as ImpactBody['contexts'];

describe('change request impact and diff', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let flag: Flag;
  let cr: ChangeRequest;
  let bob: Awaited<ReturnType<typeof memberWithToken>>;

  beforeAll(async () => {
    g = await startGantry();
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
    flag = await factory.flag(owner, project.key);
    const [on, off] = flag.variations.map((v) => v._id);
    // Version 1 → 2 (the owner bypasses approval: break-glass, with a reason).
    await factory.patchFlag(
      owner,
      project.key,
      flag.key,
      {
        environmentKey: 'production',
        instructions: [
          { kind: 'turnFlagOn' },
          {
            kind: 'addRule',
            ruleId: 'example-staff',
            description: 'example staff',
            clauses: [{ attribute: 'email', op: 'endsWith', values: ['@example.com'] }],
            variationId: on,
          },
          { kind: 'updateFallthroughVariationOrRollout', variationId: off },
        ],
      },
      { bypassReason: 'set-up: the flag as it stands before the request' },
    );
    const [alice, reviewer] = await Promise.all([
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'writer'),
    ]);
    bob = reviewer;
    cr = await openFlagRequest(alice.api, project.key, flag.key, 'production', {
      description: 'staff get the old experience; u-4 gets the new one',
      instructions: [
        { kind: 'addTargets', variationId: on, values: ['u-4'] },
        { kind: 'updateRuleVariationOrRollout', ruleId: 'example-staff', variationId: off },
      ],
    });
    expect(cr).toMatchObject({ status: 'pending', baseVersion: 2 });
  });
  afterAll(() => g?.stop());

  const impactWith = async (body: ImpactBody) =>
    ok(await bob.api.POST('/api/v1/change-requests/{id}/impact', { params: { path: { id: cr.id } }, body }));

  it(
    'POST /impact over 6 supplied contexts (1 invalid), sample excluded: ' +
      '3 change, in two transitions with the right examples',
    async () => {
      const contexts = [
        { kind: 'user', key: 'u-1', email: 'ann@example.com' }, // rule: true → false
        { kind: 'user', key: 'u-2', email: 'ben@example.com' }, // rule: true → false
        { kind: 'user', key: 'u-3', email: 'cat@other.org' }, // fallthrough false, unchanged
        { kind: 'user', key: 'u-4', email: 'dan@other.org' }, // fallthrough false → target true
        { kind: 'user', key: 'u-5' }, // fallthrough false, unchanged
        { kind: 'user', email: 'nokey@example.com' }, // invalid: no key
      ];
      const report = await impactWith({ contexts: asContexts(contexts), includeSample: false });
      expect(report).toEqual({
        contexts: { sample: 0, supplied: 5, invalid: 1 },
        changed: 3,
        version: 2,
        flags: [
          {
            flagKey: flag.key,
            evaluated: 5,
            changed: 3,
            transitions: [
              {
                from: { variation: 0, value: true },
                to: { variation: 1, value: false },
                count: 2,
                examples: ['u-1', 'u-2'],
              },
              { from: { variation: 1, value: false }, to: { variation: 0, value: true }, count: 1, examples: ['u-4'] },
            ],
          },
        ],
      });
    },
  );

  it('POST /impact with contexts nobody changes for: changed 0, the target flag listed with no transitions', async () => {
    const report = await impactWith({
      contexts: asContexts([{ kind: 'user', key: 'z-1', email: 'z@other.org' }]),
      includeSample: false,
    });
    expect(report).toEqual({
      contexts: { sample: 0, supplied: 1, invalid: 0 },
      changed: 0,
      version: 2,
      flags: [{ flagKey: flag.key, evaluated: 1, changed: 0, transitions: [] }],
    });
  });

  it('GET /diff lists the two changes with summaries naming the target and the rule', async () => {
    const diff = ok(await bob.api.GET('/api/v1/change-requests/{id}/diff', { params: { path: { id: cr.id } } }));
    expect(diff.changes).toHaveLength(2);
    const summaries = diff.changes.map((c) => c.summary).sort();
    expect(summaries).toEqual([
      'individual targets: added u-4 to true',
      'rule "example staff" changed from serves true to serves false',
    ]);
    const ruleChange = diff.changes.find((c) => c.summary.startsWith('rule'))!;
    expect(ruleChange.path).toContain('environment.rules');
    expect(ruleChange.path).toContain('example-staff');
  });

  it('GET /diff gives both whole configurations, so a reviewer sees them side by side', async () => {
    const diff = ok(await bob.api.GET('/api/v1/change-requests/{id}/diff', { params: { path: { id: cr.id } } }));
    type Side = { flag: { key: string }; environment: { version: number; targets: { values: string[] }[] } };
    const [before, after] = [diff.before as Side, diff.after as Side];
    expect(before.flag.key).toBe(flag.key);
    expect(after.flag.key).toBe(flag.key);
    expect(before.environment.targets.flatMap((t) => t.values)).not.toContain('u-4');
    expect(after.environment.targets.flatMap((t) => t.values)).toContain('u-4');
  });

  it('GET /impact counts the contexts OFREP evaluations put in the environment sample', async () => {
    const sdkKey = await sdkKeyOf(owner, project.key, 'production');
    const seen = [
      { targetingKey: 's-1', email: 'sam@example.com' }, // true → false
      { targetingKey: 's-2', email: 'sue@other.org' }, // unchanged
      { targetingKey: 'u-4', email: 'dan@other.org' }, // false → true
    ];
    for (const context of seen) {
      const res = await g.raw('POST', `/ofrep/v1/evaluate/flags/${flag.key}`, {
        headers: { authorization: `Bearer ${sdkKey}` },
        body: { context },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ key: flag.key, value: context.email.endsWith('@example.com') });
      // A node samples at most one context per environment per 50 ms; space the calls beyond that.
      await new Promise((resolve) => setTimeout(resolve, 60));
    }

    // Each offer was ≥ 60 ms after the previous one, so all three are kept: the count is exact.
    // Sampling writes to Redis after the response, hence `eventually`.
    const report = await eventually(async () => {
      const r = ok(await bob.api.GET('/api/v1/change-requests/{id}/impact', { params: { path: { id: cr.id } } }));
      expect(r.contexts).toEqual({ sample: 3, supplied: 0, invalid: 0 });
      return r;
    });
    expect(report.changed).toBe(2);
    expect(report.flags).toEqual([
      {
        flagKey: flag.key,
        evaluated: 3,
        changed: 2,
        transitions: [
          { from: { variation: 0, value: true }, to: { variation: 1, value: false }, count: 1, examples: ['s-1'] },
          { from: { variation: 1, value: false }, to: { variation: 0, value: true }, count: 1, examples: ['u-4'] },
        ],
      },
    ]);

    // Sample and supplied contexts together (includeSample defaults to true).
    const both = await impactWith({
      contexts: asContexts([
        { kind: 'user', key: 'x-1', email: 'xi@example.com' },
        { kind: 'user', key: 'x-2' },
      ]),
    });
    expect(both.contexts).toEqual({ sample: 3, supplied: 2, invalid: 0 });
    expect(both.changed).toBe(3);
    expect(both.flags[0].transitions[0]).toEqual({
      from: { variation: 0, value: true },
      to: { variation: 1, value: false },
      count: 2,
      examples: ['s-1', 'x-1'],
    });
  });
});
