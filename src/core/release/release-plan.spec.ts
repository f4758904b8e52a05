import { validatePlanPhases, validExpireAfterMs, type PlanPhaseInput } from './release-plan';
import type { FieldError } from '../errors';

const ENVS = ['staging', 'production'];
const staged = { kind: 'staged' as const, stages: [{ weight: 100000, durationMs: 1000 }] };

describe('validatePlanPhases', () => {
  it('fills defaults: trigger previous, no soak, no approval, flag not turned on, name = environment', () => {
    const { phases, errors } = validatePlanPhases(
      [{ environmentKey: 'staging', strategy: { kind: 'immediate' } }],
      ENVS,
    );
    expect(errors).toEqual([]);
    expect(phases).toEqual([
      {
        name: 'staging',
        environmentKey: 'staging',
        strategy: { kind: 'immediate' },
        requireApproval: false,
        soakMs: 0,
        turnFlagOn: false,
        trigger: { kind: 'previous' },
      },
    ]);
  });

  it('keeps every trigger kind with its fields', () => {
    const input: PlanPhaseInput[] = [
      { environmentKey: 'staging', strategy: staged, trigger: { kind: 'first_evaluation' }, soakMs: 5000 },
      { environmentKey: 'production', strategy: { kind: 'immediate' }, trigger: { kind: 'deploy', service: 'api' } },
    ];
    const { phases, errors } = validatePlanPhases(input, ENVS);
    expect(errors).toEqual([]);
    expect(phases.map((p) => p.trigger)).toEqual([{ kind: 'first_evaluation' }, { kind: 'deploy', service: 'api' }]);
    expect(phases[0].soakMs).toBe(5000);
  });

  it.each<[string, PlanPhaseInput[], FieldError]>([
    [
      'unknown environment',
      [{ environmentKey: 'qa', strategy: { kind: 'immediate' } }],
      { field: 'phases[0].environmentKey', reason: "no environment 'qa'" },
    ],
    [
      'environment twice',
      [
        { environmentKey: 'staging', strategy: { kind: 'immediate' } },
        { environmentKey: 'staging', strategy: { kind: 'immediate' } },
      ],
      { field: 'phases[1].environmentKey', reason: "environment 'staging' appears twice" },
    ],
    [
      'deploy without service',
      [{ environmentKey: 'staging', strategy: { kind: 'immediate' }, trigger: { kind: 'deploy' } }],
      { field: 'phases[0].trigger.service', reason: 'a deploy trigger names the service (a key)' },
    ],
    [
      'unknown trigger',
      [{ environmentKey: 'staging', strategy: { kind: 'immediate' }, trigger: { kind: 'cron' } }],
      {
        field: 'phases[0].trigger.kind',
        reason: 'must be one of manual, previous, with_previous, deploy, first_evaluation',
      },
    ],
    [
      'with_previous first',
      [{ environmentKey: 'staging', strategy: { kind: 'immediate' }, trigger: { kind: 'with_previous' } }],
      { field: 'phases[0].trigger.kind', reason: 'the first phase has no phase to start with' },
    ],
    [
      'service on a manual trigger',
      [{ environmentKey: 'staging', strategy: { kind: 'immediate' }, trigger: { kind: 'manual', service: 'api' } }],
      { field: 'phases[0].trigger.service', reason: 'a manual trigger has no service' },
    ],
    [
      'negative soak',
      [{ environmentKey: 'staging', strategy: { kind: 'immediate' }, soakMs: -1 }],
      { field: 'phases[0].soakMs', reason: 'must be an integer from 0 to 2592000000' },
    ],
    [
      'guarded without guard',
      [{ environmentKey: 'staging', strategy: { ...staged, kind: 'guarded' } }],
      { field: 'phases[0].strategy.guard', reason: 'a guarded phase needs a guard' },
    ],
    [
      'immediate with stages',
      [{ environmentKey: 'staging', strategy: { ...staged, kind: 'immediate' } }],
      { field: 'phases[0].strategy', reason: 'an immediate phase has no stages or guard' },
    ],
    ['no phases', [], { field: 'phases', reason: 'must have at least one phase' }],
  ])('%s is named', (_, input, expected) => {
    expect(validatePlanPhases(input, ENVS).errors).toContainEqual(expected);
  });

  it('names bad stages by their phase', () => {
    const { errors } = validatePlanPhases(
      [{ environmentKey: 'staging', strategy: { kind: 'staged', stages: [{ weight: 50, durationMs: 1 }] } }],
      ENVS,
    );
    expect(errors.map((e) => e.field)).toEqual(['phases[0].strategy.stages']);
  });
});

describe('validExpireAfterMs', () => {
  it('accepts absent and in-range values, names out-of-range ones', () => {
    const errors: FieldError[] = [];
    validExpireAfterMs(undefined, errors);
    validExpireAfterMs(60_000, errors);
    expect(errors).toEqual([]);
    validExpireAfterMs(999, errors);
    validExpireAfterMs(1.5, errors);
    expect(errors.map((e) => e.field)).toEqual(['expireAfterMs', 'expireAfterMs']);
  });
});
