import { DomainError } from '../../core/errors';
import { booleanFlag, makeEnv, makeSegment } from '../../../test/support/fixtures/patch';
import { GuardrailChecks } from './guardrail-checks';
import { FakeGuardrailsRepository } from './guardrails.repository.fake';

const policy = (
  key: string,
  rules: Parameters<FakeGuardrailsRepository['add']>[1]['rules'],
  envs: string[] | null = null,
) => ({
  key,
  name: key,
  description: '',
  environmentKeys: envs,
  rules,
});

describe('GuardrailChecks', () => {
  let repo: FakeGuardrailsRepository;
  let checks: GuardrailChecks;
  beforeEach(() => {
    repo = new FakeGuardrailsRepository();
    checks = new GuardrailChecks(repo);
  });

  it("reads the project's policies only: another project's do not apply", async () => {
    repo.add('other', policy('strict', [{ kind: 'requireMaintainer', effect: 'block' }]));
    await expect(checks.flagCreation(undefined, 'p', booleanFlag())).resolves.toEqual([]);
  });

  it('throws 422 guardrail/violation listing every block rule, policy and environment', async () => {
    repo.add('p', policy('naming', [{ kind: 'flagKeyPattern', effect: 'block', pattern: 'team-*' }]));
    repo.add(
      'p',
      policy('owners', [
        { kind: 'requireMaintainer', effect: 'block' },
        { kind: 'requiredTags', effect: 'warn', tags: ['x'] },
      ]),
    );
    const err = await checks.flagCreation(undefined, 'p', booleanFlag({ key: 'checkout' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('guardrail/violation');
    expect((err as DomainError).status).toBe(422);
    expect((err as DomainError).errors).toEqual([
      {
        field: 'guardrails.naming.flagKeyPattern',
        policy: 'naming',
        rule: 'flagKeyPattern',
        reason: "flag key 'checkout' does not match the pattern 'team-*'",
      },
      {
        field: 'guardrails.owners.requireMaintainer',
        policy: 'owners',
        rule: 'requireMaintainer',
        reason: expect.stringContaining('must have a maintainer'),
      },
    ]);
  });

  it('returns warn findings without their effect when nothing blocks', async () => {
    repo.add('p', policy('targets', [{ kind: 'forbidIndividualTargets', effect: 'warn' }], ['production']));
    const flag = booleanFlag();
    const warnings = await checks.flagChange(undefined, 'p', {
      before: flag,
      after: flag,
      flagChanged: false,
      environments: [
        { key: 'production', before: makeEnv(), after: makeEnv({ targets: [{ variation: 0, values: ['a'] }] }) },
      ],
    });
    expect(warnings).toEqual([
      {
        policy: 'targets',
        rule: 'forbidIndividualTargets',
        environment: 'production',
        message: 'individual targets are not allowed here (added: user:a)',
      },
    ]);
    await expect(checks.segmentChange(undefined, 'p', 'staging', null, makeSegment())).resolves.toEqual([]);
    await expect(checks.segmentChange(undefined, 'p', 'production', null, makeSegment())).resolves.toHaveLength(1);
  });
});
