import type { ScheduledChangeRow } from '../schedules.repository';

export interface ScheduledChangeView {
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
}

export const scheduledChangeView = (r: ScheduledChangeRow): ScheduledChangeView => ({
  id: r.id,
  projectKey: r.environment.project.key,
  environmentKey: r.environment.key,
  flagKey: r.flagKey,
  instructions: r.instructions as unknown[],
  executionDate: r.executionDate.toISOString(),
  comment: r.comment,
  status: r.status,
  createdBy: r.createdBy,
  failure: r.failure ?? null,
  appliedVersion: r.appliedVersion,
  appliedAt: r.appliedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
