import { BUILTIN_ROLES, compilePolicy } from '../../core/policy';
import type { Actor } from './models/actor';

/** Gantry itself, for start-up work (owner bootstrap) and, later, workers acting on a schedule. */
export const systemActor = (name = 'system'): Actor => ({
  kind: 'system',
  id: 'system',
  name,
  policy: compilePolicy([{ source: 'system', statements: BUILTIN_ROLES.owner }]),
});

/**
 * Gantry acting on someone's behalf (scheduled or auto-applied change requests, later releases):
 * everything the system may do except bypass required approvals, so automation can never carry a
 * change into a protected environment that nobody approved. `name` says on whose behalf.
 */
export const automationActor = (name: string, who: Pick<Actor, 'kind' | 'id' | 'memberId'> = { kind: 'system', id: 'system' }): Actor => ({
  ...who,
  name,
  policy: compilePolicy([
    {
      source: 'automation',
      statements: [...BUILTIN_ROLES.owner, { effect: 'deny', actions: ['bypassRequiredApproval'], resources: ['proj/*:env/*:flag/*', 'proj/*:env/*:segment/*'] }],
    },
  ]),
});
