import type { ActorRef } from '../accounts/models/actor';
import type { ProjectContext } from '../projects/project-context';
import type { TriggerAction } from './trigger-action';
import type { KeptBody } from './trigger-bodies';

/**
 * Who created a trigger, whether they could bypass required approval there (see TriggerFireService),
 * and the break-glass reason when creating it went past a required approval.
 */
export type TriggerCreator = ActorRef & { bypass: boolean; bypassReason?: string };

/** A trigger as TriggersRepository returns it, with its flag's project and environment keys. */
export interface Trigger {
  id: string;
  environmentId: string;
  projectKey: string;
  environmentKey: string;
  flagKey: string;
  name: string;
  action: TriggerAction;
  secretHash: string;
  secretHint: string;
  enabled: boolean;
  triggerCount: number;
  lastTriggeredAt: Date | null;
  recentBodies: KeptBody[];
  createdBy: TriggerCreator;
  createdAt: Date;
  updatedAt: Date;
}

/** What firing needs besides the trigger: its project, as the write path takes it. */
export type TriggerWithProject = Trigger & { project: ProjectContext };
