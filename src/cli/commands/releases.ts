/**
 * `gantry release start|status|pause|resume|rollback`: staged and guarded releases of one flag in one
 * environment. `--wait` follows the release until it ends: exit 0 when it completed, 1 when it was
 * rolled back or failed (or `--timeout` passed) — the exit code a CI step gates a deploy on.
 */
import type { components } from '../../../openapi/schema';
import { BYPASS_HEADER, call } from '../api';
import { optionalInteger, optionalString, positionals, requiredString, strings } from '../args';
import { CliUsageError } from '../cli-errors';
import type { CliArgs, CliCommand } from '../command';
import type { CliContext } from '../context';
import { formatDuration, parseDuration } from '../durations';
import { EXIT } from '../exit-codes';
import { readDocument } from '../instructions-input';
import { findVariation } from '../variations';
import { waitFor, waitOptions, waitSettings } from '../wait-for';

type Release = components['schemas']['ReleaseDto'];
type StartRelease = components['schemas']['StartReleaseDto'];

const FINISHED: ReadonlySet<Release['status']> = new Set(['completed', 'rolled_back', 'failed']);

/**
 * A guarded release with `onRegression: pause` stops on a regression and stays paused until a person
 * acts, so waiting longer cannot make it complete: for `--wait` it has ended, unsuccessfully. A
 * release paused by a freeze or by a person resumes (by itself or by someone), so that one is waited for.
 */
const pausedByGuard = (r: Release) =>
  r.status === 'paused' && (r.guardResult as { outcome?: string } | null)?.outcome === 'regression';

const where = {
  project: { type: 'string', short: 'p' },
  env: { type: 'string', short: 'e' },
} as const;

const start: CliCommand = {
  path: ['release', 'start'],
  summary: 'Start a staged (or guarded) release of a variation',
  usage: [
    '<flag> --project <p> --env <e> --to <variation> --stage <percent>:<duration>…',
    '       [--guard-metric <key>…] [--on-regression rollback|pause]',
    '       [--min-sample <n>] [--rule <ruleId>] [--comment <text>] [--bypass-reason <why>] [--wait [--timeout <d>] [--interval <d>]]',
    '       or: <flag> --project <p> --env <e> -f release.json|yaml (a StartRelease body) [--wait]',
    'Example: gantry release start checkout -p shop -e production --to true --stage 10:10m --stage 50:30m --stage 100:1h \\',
    '           --guard-metric checkout-error --wait',
    'Exit codes with --wait: 0 completed, 1 rolled back / failed / paused by its guard / timed out; without: 0 started.',
  ].join('\n'),
  options: {
    ...where,
    ...waitOptions,
    to: { type: 'string' },
    stage: { type: 'string', multiple: true },
    'guard-metric': { type: 'string', multiple: true },
    'on-regression': { type: 'string' },
    'min-sample': { type: 'string' },
    rule: { type: 'string' },
    comment: { type: 'string', short: 'm' },
    'bypass-reason': { type: 'string' },
    file: { type: 'string', short: 'f' },
  },
  async run(ctx, args) {
    const { flag: flagKey } = positionals(args, 'flag');
    const path = { projectKey: requiredString(args, 'project'), flagKey, envKey: requiredString(args, 'env') };
    const settings = args.values.wait === true ? waitSettings(args) : undefined;
    const body = await startBody(ctx, args, path.projectKey, flagKey);
    const bypassReason = optionalString(args, 'bypass-reason');
    const release = await call(
      ctx.api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
        params: { path },
        body,
        headers: bypassReason ? { [BYPASS_HEADER]: bypassReason } : {},
      }),
    );
    if (!settings) {
      ctx.out.result(release, () => printRelease(ctx, release));
      return EXIT.ok;
    }
    ctx.out.note(`release ${release.id} started; waiting for it to finish`);
    return follow(ctx, args, { ...path, id: release.id });
  },
};

/** The body: a file (the API's own shape), or flags for the common case. */
async function startBody(ctx: CliContext, args: CliArgs, projectKey: string, flagKey: string): Promise<StartRelease> {
  const file = optionalString(args, 'file');
  if (file !== undefined) return readDocument(file) as StartRelease;
  const to = requiredString(args, 'to');
  const stages = strings(args, 'stage').map(parseStage);
  if (stages.length === 0)
    throw new CliUsageError('--stage <percent>:<duration> is required (repeat it; the last is 100)');
  const flag = await call(
    ctx.api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', { params: { path: { projectKey, flagKey } } }),
  );
  const metrics = strings(args, 'guard-metric');
  const onRegression = optionalString(args, 'on-regression');
  if (onRegression !== undefined && onRegression !== 'rollback' && onRegression !== 'pause') {
    throw new CliUsageError(`--on-regression must be rollback or pause, got '${onRegression}'`);
  }
  const minSamplePerArm = optionalInteger(args, 'min-sample');
  const ruleId = optionalString(args, 'rule');
  const comment = optionalString(args, 'comment');
  return {
    toVariationId: findVariation(flag, to)._id,
    stages,
    ...(ruleId ? { ruleId } : {}),
    ...(comment ? { comment } : {}),
    ...(metrics.length
      ? {
          guard: {
            metrics,
            ...(onRegression ? { onRegression } : {}),
            ...(minSamplePerArm ? { minSamplePerArm } : {}),
          },
        }
      : {}),
  };
}

/** `10:30s` → 10 % for 30 s; `12.5:1h`. Weights go to the API in thousandths of a percent. */
function parseStage(text: string): { weight: number; durationMs: number } {
  const match = /^(\d+(?:\.\d{1,3})?)%?:(.+)$/.exec(text);
  if (!match) throw new CliUsageError(`--stage '${text}': expected <percent>:<duration>, e.g. 25:10m`);
  return { weight: Math.round(Number(match[1]) * 1000), durationMs: parseDuration(match[2], `--stage '${text}'`) };
}

const status: CliCommand = {
  path: ['release', 'status'],
  summary: "Show a release (default: the flag's latest in the environment); --wait follows it",
  usage: [
    '<flag> --project <p> --env <e> [--id <release>] [--wait [--timeout <d>] [--interval <d>]]',
    'Exit codes with --wait: 0 completed, 1 rolled back / failed / paused by its guard / timed out; without: 0.',
  ].join('\n'),
  options: { ...where, ...waitOptions, id: { type: 'string' } },
  async run(ctx, args) {
    const target = await locate(ctx, args);
    if (args.values.wait === true) return follow(ctx, args, target);
    const release = await call(
      ctx.api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
        params: { path: target },
      }),
    );
    ctx.out.result(release, () => printRelease(ctx, release));
    return EXIT.ok;
  },
};

const action = (verb: 'pause' | 'resume' | 'rollback', summary: string): CliCommand => ({
  path: ['release', verb],
  summary,
  usage: '<flag> --project <p> --env <e> [--id <release>] [--bypass-reason <why>]',
  options: { ...where, id: { type: 'string' }, 'bypass-reason': { type: 'string' } },
  async run(ctx, args) {
    const path = await locate(ctx, args);
    const bypassReason = optionalString(args, 'bypass-reason');
    const init = { params: { path }, headers: bypassReason ? { [BYPASS_HEADER]: bypassReason } : {} };
    const base = '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}' as const;
    const release = await call(
      verb === 'pause'
        ? ctx.api.POST(`${base}/pause`, init)
        : verb === 'resume'
          ? ctx.api.POST(`${base}/resume`, init)
          : ctx.api.POST(`${base}/rollback`, init),
    );
    ctx.out.result(release, () => printRelease(ctx, release));
    return EXIT.ok;
  },
});

interface ReleasePath {
  projectKey: string;
  flagKey: string;
  envKey: string;
  id: string;
}

/** `--id`, else the newest release of the flag in the environment (the API lists newest first). */
async function locate(ctx: CliContext, args: CliArgs): Promise<ReleasePath> {
  const { flag: flagKey } = positionals(args, 'flag');
  const path = { projectKey: requiredString(args, 'project'), flagKey, envKey: requiredString(args, 'env') };
  const id = optionalString(args, 'id');
  if (id) return { ...path, id };
  const { items } = await call(
    ctx.api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', { params: { path } }),
  );
  if (items.length === 0) throw new CliUsageError(`flag '${flagKey}' has no release in ${path.envKey}`);
  return { ...path, id: items[0].id };
}

async function follow(ctx: CliContext, args: CliArgs, path: ReleasePath): Promise<number> {
  const { value: release, finished } = await waitFor(
    ctx,
    waitSettings(args),
    () =>
      call(
        ctx.api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
          params: { path },
        }),
      ),
    (r) => FINISHED.has(r.status) || pausedByGuard(r),
    (r) => progressLine(r),
  );
  ctx.out.result(release, () => printRelease(ctx, release));
  if (!finished) {
    ctx.out.note(`${ctx.out.red('timed out')}: release ${release.id} is still ${release.status}`);
    return EXIT.error;
  }
  if (release.status === 'completed') return EXIT.ok;
  const ended = {
    rolled_back: 'rolled back',
    failed: 'failed',
    paused: 'paused by the guard',
    running: '',
    completed: '',
  };
  ctx.out.note(`${ctx.out.red(ended[release.status])}: ${outcomeReason(release)}`);
  return EXIT.error;
}

function progressLine(r: Release): string {
  const stage = r.currentStage < 0 ? 'starting' : `stage ${r.currentStage + 1}/${r.stages.length}`;
  const next = r.nextStepAt
    ? `, next step in ${formatDuration(Math.max(0, Date.parse(r.nextStepAt) - Date.now()))}`
    : '';
  return `release ${r.flagKey}/${r.environmentKey}: ${r.status}, ${stage}, ${r.currentWeight / 1000}%${next}`;
}

function outcomeReason(r: Release): string {
  const failure = r.failure as { code?: string; message?: string } | null;
  if (failure?.message) return `${failure.message}${failure.code ? ` (${failure.code})` : ''}`;
  const guard = r.guardResult as { outcome?: string } | null;
  if (guard?.outcome) return `guard outcome: ${guard.outcome}`;
  const last = r.history[r.history.length - 1] as { note?: string } | undefined;
  return last?.note ?? r.status;
}

function printRelease(ctx: CliContext, r: Release) {
  const target = r.target as { toVariation?: { value?: unknown; name?: string } };
  const colour =
    r.status === 'completed'
      ? ctx.out.green
      : r.status === 'running'
        ? (t: string) => t
        : r.status === 'paused'
          ? ctx.out.yellow
          : ctx.out.red;
  ctx.out.fields([
    ['release', r.id],
    ['flag', `${r.projectKey}/${r.flagKey} in ${r.environmentKey}`],
    ['status', colour(r.status)],
    ['to', target.toVariation?.name ?? JSON.stringify(target.toVariation?.value)],
    ['stage', r.currentStage < 0 ? 'not started' : `${r.currentStage + 1}/${r.stages.length}`],
    ['weight', `${r.currentWeight / 1000}%`],
    ['stages', r.stages.map((s) => `${s.weight / 1000}%:${formatDuration(s.durationMs)}`)],
    ['next step', r.nextStepAt],
    ['guard', r.guard ? (r.guard as { metrics?: string[] }).metrics : null],
    ['guard result', r.guardResult ? (r.guardResult as { outcome?: string }).outcome : null],
  ]);
  if (r.status === 'rolled_back' || r.status === 'failed') ctx.out.line(`reason: ${outcomeReason(r)}`);
}

export const releaseCommands: CliCommand[] = [
  start,
  status,
  action('pause', 'Pause a running release (it keeps its stage)'),
  action('resume', 'Resume a paused release'),
  action('rollback', 'Roll a release back to the serving from before it'),
];
