/** `plan`: the reconciliation played on a copy of the live state; nothing is written. */
import type { SegmentConfig } from '../model/flag-config';
import type { FlagSpec, SegmentSpec } from './config-file';
import type { LiveFlag } from './live-model';
import {
  reconcile,
  type PlanStep,
  type ReconcileInput,
  type ReconcileOptions,
  type ReconcileResult,
  type Writer,
} from './reconcile';
import { segmentCreationInput, creationInput, simulateCreatedFlag, simulateCreatedSegment } from './simulate';

export function planWriter(environments: string[]): Writer {
  return {
    createFlag: (step: PlanStep, spec: FlagSpec) => {
      step.create = creationInput(spec);
      return Promise.resolve(simulateCreatedFlag(spec, environments));
    },
    createSegment: (step: PlanStep, spec: SegmentSpec) => {
      step.create = segmentCreationInput(spec);
      return Promise.resolve(simulateCreatedSegment(spec));
    },
    patchFlag: (_step: PlanStep, simulated: LiveFlag) => Promise.resolve(simulated),
    patchSegment: (_step: PlanStep, simulated: SegmentConfig) => Promise.resolve(simulated),
    openChangeRequest: () => Promise.resolve(undefined),
  };
}

export function plan(input: ReconcileInput, options: ReconcileOptions = {}): Promise<ReconcileResult> {
  return reconcile(input, planWriter(input.live.environments.map((e) => e.key)), options);
}

/** Whether the plan changes anything (creations, writes, change requests, even ones awaiting review). */
export function hasDrift(result: ReconcileResult): boolean {
  return result.steps.length > 0;
}
