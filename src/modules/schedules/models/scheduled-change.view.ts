import { upcomingOccurrences } from '../../../core/schedule/occurrence-plan';
import type { ScheduledChange, ScheduledChangeOccurrence } from '../scheduled-change-records';

const UPCOMING = 5;

// A type, not an interface, so that it is a webhook payload (Record<string, unknown>) as it is.
export type ScheduledChangeView = {
  id: string;
  projectKey: string;
  environmentKey: string;
  flagKey: string;
  instructions: unknown[];
  executionDate: string;
  cron: string | null;
  timeZone: string | null;
  nextOccurrences: string[];
  comment: string;
  status: string;
  createdBy: unknown;
  failure: unknown;
  appliedVersion: number | null;
  appliedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Webhooks of a recurring schedule's run: the occurrence it dealt with. */
  occurrence?: { occurrenceAt: string; outcome: string; code?: string };
};

export const scheduledChangeView = (r: ScheduledChange): ScheduledChangeView => ({
  id: r.id,
  projectKey: r.projectKey,
  environmentKey: r.environmentKey,
  flagKey: r.flagKey,
  instructions: r.instructions,
  executionDate: r.executionDate.toISOString(),
  cron: r.cron,
  timeZone: r.timeZone,
  nextOccurrences:
    r.cron && r.timeZone && r.status === 'pending'
      ? upcomingOccurrences(
          { cron: r.cron, timeZone: r.timeZone },
          new Date(r.executionDate.getTime() - 1),
          UPCOMING,
        ).map((d) => d.toISOString())
      : [],
  comment: r.comment,
  status: r.status,
  createdBy: r.createdBy,
  failure: r.failure,
  appliedVersion: r.appliedVersion,
  appliedAt: r.appliedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  ...(r.occurrence ? { occurrence: { ...r.occurrence, occurrenceAt: r.occurrence.occurrenceAt.toISOString() } } : {}),
});

export type OccurrenceView = {
  occurrenceAt: string;
  outcome: string;
  version: number | null;
  failure: unknown;
  processedAt: string;
};

export const occurrenceView = (o: ScheduledChangeOccurrence): OccurrenceView => ({
  occurrenceAt: o.occurrenceAt.toISOString(),
  outcome: o.outcome,
  version: o.version,
  failure: o.failure,
  processedAt: o.processedAt.toISOString(),
});
