/**
 * `gantry promote`: make one environment's targeting of chosen flags match another's — in the same
 * project, another project, or another Gantry instance (--target-url/--target-token). It is
 * config-as-code with a generated file: the source environment exported, renamed to the target
 * environment, planned against the target with the target's own approval settings, so a gated
 * target gets change requests there and an ungated one direct writes. Missing flags are created
 * (with the source's variations); existing flags keep their names, tags and variations (a variation
 * the target flag lacks is reported). Segments the promoted rules use are created in the target
 * when missing there; existing target segments are left as they are.
 */
import type { ConfigFile, FlagEnvironmentSpec, SegmentSpec } from '../../core/config-as-code';
import { exportConfig } from '../../core/config-as-code';
import { createApi } from '../api';
import { flag, optionalString, requiredString, strings } from '../args';
import { CliUsageError } from '../cli-errors';
import type { CliCommand } from '../command';
import { readLiveState, type LiveSnapshot } from '../config-as-code/live-state';
import { renderPlan } from '../config-as-code/render-plan';
import { applyConfig, checkedPlan, planJson } from '../config-as-code/run-apply';
import { EXIT } from '../exit-codes';
import { APPLY_OPTIONS, timeoutOption } from './config-as-code';

/** The source environment of the chosen flags as a file for the target environment. */
export function promotionFile(
  source: LiveSnapshot,
  from: string,
  to: string,
  flagKeys: string[],
  targetProject: string,
  target: LiveSnapshot,
): ConfigFile {
  const exported = exportConfig({
    project: source.live.key,
    flags: source.live.flags,
    segments: source.live.segments,
    environments: [from],
  });
  const missing = flagKeys.filter((k) => !exported.flags.some((f) => f.key === k));
  if (missing.length)
    throw new CliUsageError(
      `--flag: project '${source.live.key}' has no (unarchived) flag ${missing.map((k) => `'${k}'`).join(', ')}`,
    );
  const chosen = exported.flags.filter((f) => !flagKeys.length || flagKeys.includes(f.key));
  const flags = chosen.map((f) => {
    const env: FlagEnvironmentSpec | undefined = f.environments?.[from];
    return { ...f, environments: env ? { [to]: env } : {} };
  });
  const used = usedSegments(
    flags.flatMap((f) => Object.values(f.environments)),
    exported.segments?.[from] ?? [],
  );
  const existing = new Set((target.live.segments[to] ?? []).map((s) => s.key));
  const segments = used.filter((s) => !existing.has(s.key));
  return { version: 1, project: targetProject, flags, ...(segments.length ? { segments: { [to]: segments } } : {}) };
}

/** The segments the rules name, and the segments those segments' rules name, in the source environment. */
function usedSegments(envs: FlagEnvironmentSpec[], all: SegmentSpec[]): SegmentSpec[] {
  const keys = new Set<string>();
  const visit = (clauses: { op: string; values: unknown[] }[]) => {
    for (const c of clauses)
      for (const v of c.op === 'segmentMatch' ? c.values : []) {
        const segment = all.find((s) => s.key === v);
        if (typeof v !== 'string' || keys.has(v) || !segment) continue;
        keys.add(v);
        visit((segment.rules ?? []).flatMap((r) => r.clauses));
      }
  };
  visit(envs.flatMap((e) => (e.rules ?? []).flatMap((r) => r.clauses)));
  return all.filter((s) => keys.has(s.key));
}

const promote: CliCommand = {
  path: ['promote'],
  summary: "Propose one environment's targeting for another (same project, another project or another Gantry)",
  usage:
    '--project <p> --from <env> --to <env> [--flag <f> …] [--target-url <u> --target-token <t>] [--target-project <p2>]\n' +
    '        [--dry-run] [-m <message>] [--ref <ref>] [--wait-approval [--timeout <s>]]',
  options: {
    project: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    flag: { type: 'string', multiple: true },
    'target-url': { type: 'string' },
    'target-token': { type: 'string' },
    'target-project': { type: 'string' },
    'dry-run': { type: 'boolean' },
    ...APPLY_OPTIONS,
  },
  async run(ctx, args) {
    const project = requiredString(args, 'project');
    const from = requiredString(args, 'from');
    const to = requiredString(args, 'to');
    const targetUrl = optionalString(args, 'target-url');
    const targetToken = optionalString(args, 'target-token') ?? (targetUrl ? undefined : ctx.config.token);
    if (targetUrl && !targetToken)
      throw new CliUsageError('--target-url needs --target-token (a token of the target Gantry)');
    const targetProject = optionalString(args, 'target-project') ?? project;
    if (!targetUrl && targetProject === project && from === to)
      throw new CliUsageError('--from and --to name the same environment');
    const source = await readLiveState(ctx.api, project);
    if (!source.live.environments.some((e) => e.key === from))
      throw new CliUsageError(`--from: project '${project}' has no environment '${from}'`);
    const targetApi = targetUrl ? createApi(targetUrl, targetToken) : ctx.api;
    const target = targetUrl || targetProject !== project ? await readLiveState(targetApi, targetProject) : source;
    const file = promotionFile(source, from, to, strings(args, 'flag'), targetProject, target);
    const run = {
      source: `${project}/${from}`,
      file,
      snapshot: target,
      options: { environments: [to], targetingOnly: true },
    };
    if (flag(args, 'dry-run')) {
      const result = await checkedPlan(run);
      ctx.out.result(planJson(targetProject, result), () => renderPlan(ctx.out, targetProject, result));
      return EXIT.ok;
    }
    return applyConfig(ctx, {
      ...run,
      api: targetApi,
      label: { message: optionalString(args, 'message'), ref: optionalString(args, 'ref') },
      fallbackDescription: `gantry promote ${project}/${from} → ${targetProject}/${to}`,
      ...(flag(args, 'wait-approval') ? { wait: { timeoutMs: timeoutOption(args) } } : {}),
    });
  },
};

export const promoteCommands: CliCommand[] = [promote];
