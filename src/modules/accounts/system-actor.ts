import { BUILTIN_ROLES, compilePolicy } from '../../core/policy';
import type { Actor } from './models/actor';

/** Gantry itself, for start-up work (owner bootstrap) and, later, workers acting on a schedule. */
export const systemActor = (name = 'system'): Actor => ({
  kind: 'system',
  id: 'system',
  name,
  policy: compilePolicy([{ source: 'system', statements: BUILTIN_ROLES.owner }]),
});
