/**
 * apply's side of the reconciliation: each step through the public API. Direct writes carry
 * If-Match with the version the step was computed against, so a change made meanwhile by someone
 * else is a 412 (reported) rather than silently overwritten; change requests are bound to that
 * version by the server. The state each write answers with feeds the next step.
 */
import type { FlagSpec, PlanStep, SegmentSpec, Writer } from '../../core/config-as-code';
import { creationInput, segmentCreationInput } from '../../core/config-as-code';
import type { components } from '../../../openapi/schema';
import { call, type GantryApi } from '../api';

type CreateFlagBody = components['schemas']['CreateFlagDto'];
// The differ emits only kinds core/patch's handler tables define (checked by diff-flag.spec.ts).
type FlagInstructions = components['schemas']['PatchFlagDto']['instructions'];
type SegmentInstructions = components['schemas']['PatchSegmentDto']['instructions'];
import { liveFlag, segmentConfig } from './live-state';

export interface WriteLabel {
  /** --message: the audit comment of direct writes and the description of change requests. */
  message?: string;
  /** --ref: a commit, pull request or pipeline the change comes from. */
  ref?: string;
}

export function describeChange(label: WriteLabel, fallback: string): string {
  const text = label.message ?? fallback;
  return label.ref ? `${text} (ref: ${label.ref})` : text;
}

export function apiWriter(api: GantryApi, projectKey: string, label: WriteLabel, fallback = 'gantry apply'): Writer {
  const text = describeChange(label, fallback);
  const ifMatch = (step: PlanStep) => ({ 'if-match': String(step.baseVersion) });
  return {
    async createFlag(step: PlanStep, spec: FlagSpec) {
      const input = creationInput(spec);
      step.create = input;
      // Variation values were validated against the file's schema (any JSON but null), as the API requires.
      const body = input as typeof input & { variations: CreateFlagBody['variations'] };
      return liveFlag(
        await call(api.POST('/api/v1/projects/{projectKey}/flags', { params: { path: { projectKey } }, body })),
      );
    },
    async createSegment(step: PlanStep, spec: SegmentSpec) {
      step.create = segmentCreationInput(spec);
      const created = await call(
        api.POST('/api/v1/projects/{projectKey}/environments/{envKey}/segments', {
          params: { path: { projectKey, envKey: step.environment! } },
          body: segmentCreationInput(spec),
        }),
      );
      return segmentConfig(created);
    },
    async patchFlag(step: PlanStep) {
      const flag = await call(
        api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey, flagKey: step.key }, header: ifMatch(step) },
          body: {
            ...(step.environment ? { environmentKey: step.environment } : {}),
            instructions: step.instructions as FlagInstructions,
            comment: text,
          },
        }),
      );
      return liveFlag(flag);
    },
    async patchSegment(step: PlanStep) {
      const segment = await call(
        api.PATCH('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
          params: { path: { projectKey, envKey: step.environment!, segmentKey: step.key }, header: ifMatch(step) },
          body: { instructions: step.instructions as SegmentInstructions, comment: text },
        }),
      );
      return segmentConfig(segment);
    },
    async openChangeRequest(step: PlanStep) {
      const envKey = step.environment!;
      const request =
        step.resource === 'flag'
          ? api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/change-requests', {
              params: { path: { projectKey, flagKey: step.key, envKey } },
              body: { description: text, instructions: step.instructions as FlagInstructions },
            })
          : api.POST('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}/change-requests', {
              params: { path: { projectKey, envKey, segmentKey: step.key } },
              body: { description: text, instructions: step.instructions as SegmentInstructions },
            });
      const created = await call(request);
      return { id: created.id, status: created.status };
    },
  };
}
