/**
 * apply and promote share this: plan first (on a copy: nothing is written unless every step is
 * valid), then the same walk through the API, then optionally wait for the change requests. A
 * failure part-way stops there and reports exactly which steps were written, which one failed and
 * which were never attempted.
 */
import {
  reconcile,
  ReconcileFailure,
  type ConfigFile,
  type PlanStep,
  type ReconcileOptions,
  type ReconcileResult,
} from '../../core/config-as-code';
import { planWriter } from '../../core/config-as-code/plan';
import type { GantryApi } from '../api';
import { CliError } from '../cli-errors';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { apiWriter, type WriteLabel } from './api-writer';
import { ConfigInvalidError } from './config-yaml';
import type { LiveSnapshot } from './live-state';
import { renderPlan, renderStep, stepJson, summary } from './render-plan';
import { waitForApproval, type FollowedRequest } from './wait-approval';

export interface ApplyRun {
  api: GantryApi;
  /** Where the file came from, for messages. */
  source: string;
  file: ConfigFile;
  snapshot: LiveSnapshot;
  options: ReconcileOptions;
  label: WriteLabel;
  fallbackDescription: string;
  wait?: { timeoutMs?: number; intervalMs?: number };
}

export function planOnly(run: Pick<ApplyRun, 'file' | 'snapshot' | 'options' | 'source'>): Promise<ReconcileResult> {
  const { live, openChangeRequests } = run.snapshot;
  return reconcile(
    { file: run.file, live, openChangeRequests },
    planWriter(live.environments.map((e) => e.key)),
    run.options,
  );
}

/** A plan that cannot be carried out as a whole is refused before anything is written. */
export async function checkedPlan(
  run: Pick<ApplyRun, 'file' | 'snapshot' | 'options' | 'source'>,
): Promise<ReconcileResult> {
  const planned = await planOnly(run);
  if (planned.problems.length) throw new ConfigInvalidError(run.source, planned.problems);
  return planned;
}

export function planJson(project: string, result: ReconcileResult) {
  return { project, drift: result.steps.length > 0, steps: result.steps.map(stepJson), warnings: result.warnings };
}

const stepId = (s: PlanStep) => `${s.resource}\u0000${s.key}\u0000${s.environment ?? ''}\u0000${s.phase}`;

export async function applyConfig(ctx: CliContext, run: ApplyRun): Promise<number> {
  const project = run.snapshot.live.key;
  const planned = await checkedPlan(run);
  if (!planned.steps.length) {
    ctx.out.result(
      {
        project,
        changed: false,
        applied: [],
        failed: null,
        notApplied: [],
        changeRequests: [],
        warnings: planned.warnings,
      },
      () => renderPlan(ctx.out, project, planned),
    );
    return EXIT.ok;
  }
  const { live, openChangeRequests } = run.snapshot;
  let done: PlanStep[];
  let failed: { step: PlanStep; error: unknown } | undefined;
  let warnings = planned.warnings;
  try {
    const result = await reconcile(
      { file: run.file, live, openChangeRequests },
      apiWriter(run.api, project, run.label, run.fallbackDescription),
      run.options,
    );
    done = result.steps;
    warnings = result.warnings;
  } catch (error) {
    if (!(error instanceof ReconcileFailure)) throw error;
    done = error.done;
    failed = { step: error.step, error: error.error };
  }
  const attempted = new Set([...done, ...(failed ? [failed.step] : [])].map(stepId));
  const notApplied = planned.steps.filter((s) => !attempted.has(stepId(s)));
  const requests: FollowedRequest[] = done
    .filter((s) => s.changeRequest)
    .map((s) => ({
      id: s.changeRequest!.id,
      resource: `${s.resource} ${s.key}`,
      environment: s.environment!,
      status: s.changeRequest!.status,
    }));

  // Change requests left open are changes pending (2), as for `flag … --change-request`.
  let code: number = failed
    ? EXIT.error
    : done.some((s) => s.mode === 'blocked') || requests.some((r) => r.status === 'declined')
      ? EXIT.refused
      : requests.length
        ? EXIT.pending
        : EXIT.ok;
  let waited = false;
  if (!failed && run.wait && requests.length) {
    if (!ctx.out.json) ctx.out.note(`waiting for ${requests.length} change request(s) to be approved and applied…`);
    const outcome = await waitForApproval(ctx, requests, run.wait.timeoutMs, run.wait.intervalMs);
    waited = true;
    if (code === EXIT.pending || outcome.code !== EXIT.ok) code = outcome.code;
  }

  const failure = failed && { step: stepJson(failed.step), error: errorJson(failed.error) };
  ctx.out.result(
    {
      project,
      changed: done.length > 0,
      applied: done.map(stepJson),
      failed: failure ?? null,
      notApplied: notApplied.map(stepJson),
      changeRequests: requests,
      ...(waited ? { waited: true } : {}),
      warnings,
    },
    () => {
      ctx.out.line(`Applied to project ${project}: ${summary(done) || 'nothing'}`);
      for (const step of done)
        renderStep(
          ctx.out,
          step,
          step.mode === 'direct' ? 'written' : step.mode === 'blocked' ? 'not written' : 'review',
        );
      if (failed) {
        ctx.out.line();
        ctx.out.line(ctx.out.red('Failed (nothing of this step was written):'));
        renderStep(ctx.out, failed.step);
        ctx.out.line(`    ${ctx.out.red(errorText(failed.error))}`);
      }
      if (notApplied.length) {
        ctx.out.line();
        ctx.out.line('Not applied (not attempted):');
        for (const step of notApplied) renderStep(ctx.out, step);
      }
      if (requests.length) {
        ctx.out.line();
        ctx.out.line(
          waited
            ? 'Change requests:'
            : 'Change requests to review (apply them once approved, or rerun with --wait-approval):',
        );
        for (const r of requests) ctx.out.line(`  ${r.id}  ${r.resource} · ${r.environment}  ${r.status}`);
      }
      for (const w of warnings) ctx.out.note(`warning: ${w}`);
    },
  );
  return code;
}

function errorJson(error: unknown) {
  if (error instanceof CliError) return error.toJSON().error;
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
