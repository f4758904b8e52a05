import type { ActorRef } from '../accounts/models/actor';
import type { AudienceState, Phase } from './pipeline-model';

/** A release pipeline as PipelinesRepository returns it. */
export interface Pipeline {
  id: string;
  projectId: string;
  key: string;
  name: string;
  description: string;
  phases: Phase[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Who started a run, whether it went past a required approval at start (break-glass, checked for
 * every audience without requireApproval), and why.
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

/** A run as PipelinesRepository returns it, with its project's and pipeline's keys. */
export interface PipelineRun {
  id: string;
  projectId: string;
  projectKey: string;
  pipelineId: string;
  pipelineKey: string;
  flagKey: string;
  variationId: string;
  /** `running`, `completed`, `failed`, `aborted`. */
  status: string;
  activeKey: string | null;
  currentPhase: number;
  /** The pipeline's phases when the run started. */
  phases: Phase[];
  audiences: AudienceState[];
  createdBy: PipelineRunCreator;
  history: PipelineRunHistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}
