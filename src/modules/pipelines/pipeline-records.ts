import type { ActorRef } from '../accounts/models/actor';
import type { PhaseState, PlanPhase } from './pipeline-model';

/** A release plan (stored as a release pipeline row) as PipelinesRepository returns it. */
export interface Pipeline {
  id: string;
  projectId: string;
  key: string;
  name: string;
  description: string;
  phases: PlanPhase[];
  version: number;
  isDefault: boolean;
  forTags: string[];
  /** null: the deployment's default (GANTRY_RELEASE_PLAN_EXPIRE_MS). */
  expireAfterMs: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Who started a run, whether it went past a required approval at start (break-glass, checked for
 * every phase without requireApproval), and why.
 */
export type PipelineRunCreator = ActorRef & { bypass?: boolean; bypassReason?: string };

export interface PipelineRunHistoryEntry {
  at: string;
  status: string;
  phase: number;
  /** Absent on the worker's own entries. */
  actor?: ActorRef;
  note: string;
}

/** A run as PipelinesRepository returns it, with its project's and plan's keys. */
export interface PipelineRun {
  id: string;
  projectId: string;
  projectKey: string;
  pipelineId: string;
  pipelineKey: string;
  planVersion: number;
  flagKey: string;
  variationId: string;
  /** `running`, `paused`, `completed`, `failed`, `aborted`, `expired`. */
  status: string;
  activeKey: string | null;
  currentPhase: number;
  /** The plan's phases when the run started. */
  phases: PlanPhase[];
  /** One state per phase. */
  audiences: PhaseState[];
  createdBy: PipelineRunCreator;
  history: PipelineRunHistoryEntry[];
  lastProgressAt: Date;
  expireAfterMs: number;
  createdAt: Date;
  updatedAt: Date;
}
