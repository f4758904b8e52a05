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
 * Gantry acting on someone's behalf (scheduled and auto-applied changes, releases, pipelines, triggers):
 * everything the system may do except bypass required approvals, so automation can never carry a
 * change into a protected environment that nobody approved. `name` says on whose behalf.
 */
/** Compiled once: every scheduled change, release step, pipeline look and trigger call uses it. */
const AUTOMATION_POLICY = compilePolicy([
  {
    source: 'automation',
    statements: [
      ...BUILTIN_ROLES.owner,
      {
        effect: 'deny',
        actions: ['bypassRequiredApproval'],
        resources: ['proj/*:env/*', 'proj/*:env/*:flag/*', 'proj/*:env/*:segment/*'],
      },
    ],
  },
]);

export const automationActor = (
  name: string,
  who: Pick<Actor, 'kind' | 'id' | 'memberId'> = { kind: 'system', id: 'system' },
): Actor => ({
  ...who,
  name,
  policy: AUTOMATION_POLICY,
});
