/**
 * Helpers for release plan tests: a release plan refuses to start where its audience would not see
 * the change, so flags are turned on first where a test releases them; and the calls the specs make
 * on one project's plans and flag releases.
 *
 *   await turnOn(owner, project.key, flag.key, ['staging', 'production']);
 *   const { createPlan, twoWay, start, until } = flagReleases(() => ({ api: owner, projectKey: project.key }));
 */
import type { ApiClient } from './app-harness';
import { eventually } from './delivery';
import { factory, ok, type Flag, type Schemas } from './factories';

export type Run = Schemas['PipelineRunDto'];
export type PlanBody = Schemas['CreateReleasePlanDto'];
export const immediate = { kind: 'immediate' as const };

/** A pipeline's phases: staging at once, then production staged 50 % → 100 % (`stageMs` a stage), behind an approval if asked. */
export const stagingThenProduction = (stageMs: number, requireApproval = false): Schemas['PhaseDto'][] => [
  { name: 'test', audiences: [{ environmentKey: 'staging', strategy: immediate }] },
  {
    name: 'prod',
    audiences: [
      {
        environmentKey: 'production',
        strategy: {
          kind: 'staged',
          stages: [
            { weight: 50_000, durationMs: stageMs },
            { weight: 100_000, durationMs: stageMs },
          ],
        },
        ...(requireApproval ? { requireApproval } : {}),
      },
    ],
  },
];

/** Turns the flag on in each environment (break-glass where the environment is gated; a set-up write). */
export async function turnOn(api: ApiClient, projectKey: string, flagKey: string, envKeys: string[]): Promise<void> {
  for (const environmentKey of envKeys)
    await factory.patchFlag(
      api,
      projectKey,
      flagKey,
      { environmentKey, instructions: [{ kind: 'turnFlagOn' }] },
      { bypassReason: 'test set-up: the flag is on before its release' },
    );
}

/**
 * Calls on one project's release plans and flag releases. `on` is read at each call (specs set
 * their client and project in beforeAll).
 */
export function flagReleases(on: () => { api: ApiClient; projectKey: string }) {
  const flagPath = (flag: Flag) => ({ projectKey: on().projectKey, flagKey: flag.key });
  const status = async (flag: Flag): Promise<Run> =>
    ok(
      await on().api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release', { params: { path: flagPath(flag) } }),
    );
  return {
    createPlan: (body: PlanBody) =>
      on().api.POST('/api/v1/projects/{projectKey}/release-plans', {
        params: { path: { projectKey: on().projectKey } },
        body,
      }),
    /** A flag serving 'old' everywhere, with 'new' to release. */
    twoWay: (tags: string[] = []) =>
      factory.flag(on().api, on().projectKey, {
        variations: ['old', 'new'],
        defaults: { onVariation: 0, offVariation: 0 },
        tags,
      }),
    /** Starts releasing 'new' through the plan given (by `planKey`, or `pipelineKey`, its former name), else the default. */
    start: (flag: Flag, plan: { planKey?: string; pipelineKey?: string } = {}) =>
      on().api.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
        params: { path: flagPath(flag) },
        body: { ...plan, variationId: flag.variations[1]._id },
      }),
    status,
    /** The run once `check` holds (polled). */
    until: (flag: Flag, check: (r: Run) => boolean, timeoutMs = 20_000) =>
      eventually(
        async () => {
          const r = await status(flag);
          if (!check(r)) throw new Error(`run is ${r.status}: ${JSON.stringify(r.audiences)}`);
          return r;
        },
        { timeoutMs },
      ),
  };
}
