import type { ScheduledChange } from '../scheduled-change-records';

// A type, not an interface, so that it is a webhook payload (Record<string, unknown>) as it is.
export type ScheduledChangeView = {
  id: string;
  projectKey: string;
  environmentKey: string;
  flagKey: string;
  instructions: unknown[];
  executionDate: string;
  comment: string;
  status: string;
  createdBy: unknown;
  failure: unknown;
  appliedVersion: number | null;
  appliedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export const scheduledChangeView = (r: ScheduledChange): ScheduledChangeView => ({
  id: r.id,
  projectKey: r.projectKey,
  environmentKey: r.environmentKey,
  flagKey: r.flagKey,
  instructions: r.instructions,
  executionDate: r.executionDate.toISOString(),
  comment: r.comment,
  status: r.status,
  createdBy: r.createdBy,
  failure: r.failure,
  appliedVersion: r.appliedVersion,
  appliedAt: r.appliedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
