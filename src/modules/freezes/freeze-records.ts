import type { FreezeWindow } from '../../core/freeze';
import type { ActorRef } from '../accounts/models/actor';

/** A stored freeze window: the core window plus who made it and when. */
export interface FreezeRecord extends FreezeWindow {
  projectId: string;
  reason: string | null;
  createdBy: ActorRef;
  createdAt: Date;
}

export type NewFreeze = Omit<FreezeRecord, 'id' | 'createdAt'>;
