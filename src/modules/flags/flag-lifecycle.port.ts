import type { LifecycleState } from '../../core/lifecycle';
import type { ProjectContext } from '../projects/project-context';

/**
 * What the flags list needs of lifecycle (`?lifecycle=stale`): each flag's overall state. Lifecycle
 * sits above flags (it reads flags, insights and code references), so flags declare this port and
 * the lifecycle module provides it; without that module the filter answers 400.
 */
export abstract class FlagLifecycleStates {
  /** Overall state per flag key (archived flags too). */
  abstract overallStates(project: ProjectContext): Promise<Map<string, LifecycleState>>;
}
