/**
 * `gantry pipeline start|status`: a flag through a release pipeline (phases of environments).
 * `--wait` follows the run: exit 0 completed, 1 failed, aborted or timed out.
 */
import type { components } from '../../../openapi/schema';
import { BYPASS_HEADER, call } from '../api';
import { optionalString, positionals, requiredString } from '../args';
import type { CliArgs, CliCommand } from '../command';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { findVariation } from '../variations';
import { waitFor, waitOptions, waitSettings } from '../wait-for';

type Run = components['schemas']['PipelineRunDto'];

const start: CliCommand = {
  path: ['pipeline', 'start'],
  summary: 'Release a variation of a flag through a release pipeline',
  usage: [
    '<flag> --project <p> --pipeline <key> --to <variation> [--bypass-reason <why>] [--wait [--timeout <d>] [--interval <d>]]',
    'Example: gantry pipeline start checkout -p shop --pipeline standard --to true --wait',
    'Exit codes with --wait: 0 completed, 1 failed / aborted / timed out; without: 0 started.',
  ].join('\n'),
  options: {
    project: { type: 'string', short: 'p' },
    pipeline: { type: 'string' },
    to: { type: 'string' },
    // Break-glass for audiences in gated environments that do not require approval (needs bypassRequiredApproval).
    'bypass-reason': { type: 'string' },
    ...waitOptions,
  },
  async run(ctx, args) {
    const { flag: flagKey } = positionals(args, 'flag');
    const path = { projectKey: requiredString(args, 'project'), flagKey };
    const pipelineKey = requiredString(args, 'pipeline');
    const to = requiredString(args, 'to');
    const bypassReason = optionalString(args, 'bypass-reason');
    const settings = args.values.wait === true ? waitSettings(args) : undefined;
    const flag = await call(ctx.api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', { params: { path } }));
    const run = await call(
      ctx.api.PUT('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
        params: { path },
        headers: bypassReason ? { [BYPASS_HEADER]: bypassReason } : {},
        body: { pipelineKey, variationId: findVariation(flag, to)._id },
      }),
    );
    if (!settings) {
      ctx.out.result(run, () => printRun(ctx, run));
      return EXIT.ok;
    }
    return follow(ctx, args, path);
  },
};

const status: CliCommand = {
  path: ['pipeline', 'status'],
  summary: "Show a flag's pipeline run; --wait follows it",
  usage: '<flag> --project <p> [--wait [--timeout <d>] [--interval <d>]]',
  options: { project: { type: 'string', short: 'p' }, ...waitOptions },
  async run(ctx, args) {
    const { flag: flagKey } = positionals(args, 'flag');
    const path = { projectKey: requiredString(args, 'project'), flagKey };
    if (args.values.wait === true) return follow(ctx, args, path);
    const run = await call(ctx.api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release', { params: { path } }));
    ctx.out.result(run, () => printRun(ctx, run));
    return EXIT.ok;
  },
};

async function follow(ctx: CliContext, args: CliArgs, path: { projectKey: string; flagKey: string }): Promise<number> {
  const { value: run, finished } = await waitFor(
    ctx,
    waitSettings(args),
    () => call(ctx.api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release', { params: { path } })),
    (r) => r.status !== 'running',
    (r) =>
      `pipeline ${r.pipelineKey}: phase ${r.currentPhase + 1}, ${r.audiences.map((a) => `${a.environmentKey} ${a.status}`).join(', ')}`,
  );
  ctx.out.result(run, () => printRun(ctx, run));
  if (!finished) {
    ctx.out.note(`${ctx.out.red('timed out')}: the pipeline run is still ${run.status}`);
    return EXIT.error;
  }
  return run.status === 'completed' ? EXIT.ok : EXIT.error;
}

function printRun(ctx: CliContext, run: Run) {
  const variation = run.variation as { name?: string; value?: unknown } | null;
  ctx.out.fields([
    ['run', run.id],
    ['flag', run.flagKey],
    ['pipeline', run.pipelineKey],
    [
      'status',
      run.status === 'completed'
        ? ctx.out.green(run.status)
        : run.status === 'running'
          ? run.status
          : ctx.out.red(run.status),
    ],
    ['variation', variation ? (variation.name ?? JSON.stringify(variation.value)) : run.variationId],
    ['phase', run.currentPhase + 1],
  ]);
  ctx.out.line();
  ctx.out.table(run.audiences, [
    { header: 'phase', value: (a) => a.phase + 1 },
    { header: 'environment', value: (a) => a.environmentKey },
    { header: 'status', value: (a) => a.status },
    { header: 'release', value: (a) => a.releaseId },
    { header: 'change request', value: (a) => a.changeRequestId },
    { header: 'error', value: (a) => a.error },
  ]);
}

export const pipelineCommands: CliCommand[] = [start, status];
