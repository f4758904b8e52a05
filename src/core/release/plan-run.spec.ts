import {
  afterAudience,
  awaitingFirstEvaluation,
  currentPhaseOf,
  groupOf,
  initialPhaseStates,
  isExpired,
  phasesToStart,
  resumedStates,
  runStatusOf,
  soakOver,
  type PhaseState,
  type PhaseStatus,
} from './plan-run';
import type { PlanPhase, PlanTrigger } from './release-plan';

const phase = (environmentKey: string, trigger: PlanTrigger, soakMs = 0): PlanPhase => ({
  name: environmentKey,
  environmentKey,
  strategy: { kind: 'immediate' },
  requireApproval: false,
  soakMs,
  turnFlagOn: false,
  trigger,
});
const states = (phases: PlanPhase[], statuses: PhaseStatus[], extra: Partial<PhaseState>[] = []): PhaseState[] =>
  initialPhaseStates(phases).map((s, i) => ({ ...s, status: statuses[i], ...(extra[i] ?? {}) }));

describe('phasesToStart', () => {
  const plan = [
    phase('dev', { kind: 'previous' }),
    phase('staging', { kind: 'previous' }),
    phase('qa', { kind: 'with_previous' }),
    phase('production', { kind: 'previous' }),
  ];

  it('starts the first previous-phase at once, and with_previous phases along with it', () => {
    expect(phasesToStart(plan, states(plan, ['pending', 'pending', 'pending', 'pending']))).toEqual([0]);
    expect(phasesToStart(plan, states(plan, ['completed', 'pending', 'pending', 'pending']))).toEqual([1, 2]);
  });

  it('waits for the whole group before the next previous-phase', () => {
    expect(phasesToStart(plan, states(plan, ['completed', 'completed', 'running', 'pending']))).toEqual([]);
    expect(phasesToStart(plan, states(plan, ['completed', 'completed', 'soaking', 'pending']))).toEqual([]);
    expect(phasesToStart(plan, states(plan, ['completed', 'completed', 'completed', 'pending']))).toEqual([3]);
  });

  it('manual and deploy phases wait for their trigger, whatever the phases before them did', () => {
    const p = [phase('staging', { kind: 'manual' }), phase('production', { kind: 'deploy', service: 'api' })];
    expect(phasesToStart(p, states(p, ['pending', 'pending']))).toEqual([]);
    const at = '2026-01-01T00:00:00.000Z';
    expect(phasesToStart(p, states(p, ['pending', 'pending'], [{}, { triggeredAt: at }]))).toEqual([1]);
  });

  it('first_evaluation phases start when the environment was evaluated', () => {
    const p = [phase('staging', { kind: 'first_evaluation' }), phase('production', { kind: 'first_evaluation' })];
    const s = states(p, ['pending', 'pending']);
    expect(awaitingFirstEvaluation(p, s)).toEqual(['staging', 'production']);
    expect(phasesToStart(p, s, new Set(['production']))).toEqual([1]);
  });
});

describe('groupOf', () => {
  it('spans the with_previous chain either side', () => {
    const p = [
      phase('a', { kind: 'previous' }),
      phase('b', { kind: 'with_previous' }),
      phase('c', { kind: 'previous' }),
    ];
    expect(groupOf(p, 0)).toEqual([0, 1]);
    expect(groupOf(p, 1)).toEqual([0, 1]);
    expect(groupOf(p, 2)).toEqual([2]);
  });
});

describe('soak, status, expiry, resume', () => {
  const now = new Date('2026-01-01T00:00:00.000Z');
  it('soaks for soakMs after the audience step, or completes at once', () => {
    expect(afterAudience(phase('a', { kind: 'previous' }), now)).toEqual({ status: 'completed' });
    const soaking = afterAudience(phase('a', { kind: 'previous' }, 60_000), now);
    expect(soaking).toEqual({ status: 'soaking', soakUntil: '2026-01-01T00:01:00.000Z' });
    const state = { phase: 0, environmentKey: 'a', ...soaking };
    expect(soakOver(state, new Date('2026-01-01T00:00:59.999Z'))).toBe(false);
    expect(soakOver(state, new Date('2026-01-01T00:01:00.000Z'))).toBe(true);
  });

  it('derives the run status: failure > rollback (paused) > all completed', () => {
    const p = [phase('a', { kind: 'previous' }), phase('b', { kind: 'previous' })];
    expect(runStatusOf(states(p, ['completed', 'completed']))).toBe('completed');
    expect(runStatusOf(states(p, ['rolled_back', 'pending']))).toBe('paused');
    expect(runStatusOf(states(p, ['rolled_back', 'failed']))).toBe('failed');
    expect(runStatusOf(states(p, ['completed', 'pending']))).toBe('running');
  });

  it('expires after expireAfterMs without progress', () => {
    expect(isExpired(new Date('2025-12-31T23:59:00.000Z'), 60_000, now)).toBe(true);
    expect(isExpired(new Date('2025-12-31T23:59:00.001Z'), 60_000, now)).toBe(false);
  });

  it('resume puts rolled-back phases back to pending, keeping a trigger already received', () => {
    const p = [phase('a', { kind: 'manual' }), phase('b', { kind: 'previous' })];
    const s = states(
      p,
      ['rolled_back', 'pending'],
      [{ triggeredAt: 'T', triggeredBy: 'x', releaseId: 'r', error: 'guard' }],
    );
    expect(resumedStates(s)).toEqual([
      {
        phase: 0,
        environmentKey: 'a',
        status: 'pending',
        triggeredAt: 'T',
        triggeredBy: 'x',
        error: 'retried after: guard',
      },
      { phase: 1, environmentKey: 'b', status: 'pending' },
    ]);
    expect(currentPhaseOf(s)).toBe(0);
    expect(currentPhaseOf(states(p, ['completed', 'running']))).toBe(1);
  });
});
