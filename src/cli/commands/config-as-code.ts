/**
 * `gantry export | plan | apply`: a project's flags and segments as a reviewable YAML file, the
 * semantic-patch instructions that would make the live project match it, and applying them —
 * directly where allowed, as change requests where the environment is gated. The logic is
 * core/config-as-code; this file reads options, the file and the live state, and prints.
 */
import fs from 'node:fs';
import { exportConfig } from '../../core/config-as-code';
import { flag, optionalString, requiredString, strings } from '../args';
import { CliUsageError } from '../cli-errors';
import type { CliArgs, CliCommand } from '../command';
import { configToYaml, readConfigFile } from '../config-as-code/config-yaml';
import { readLiveState } from '../config-as-code/live-state';
import { renderPlan } from '../config-as-code/render-plan';
import { applyConfig, checkedPlan, planJson } from '../config-as-code/run-apply';
import { parseDuration } from '../durations';
import { EXIT } from '../exit-codes';

const exportCommand: CliCommand = {
  path: ['export'],
  summary: "Write a project's flags and segments as a config-as-code YAML file",
  usage: '--project <p> [--env <e> …] [-o gantry.yaml] [--schema <url>]\n  gantry export --project shop > gantry.yaml',
  options: {
    project: { type: 'string' },
    env: { type: 'string', multiple: true },
    output: { type: 'string', short: 'o' },
    schema: { type: 'string' },
  },
  async run(ctx, args) {
    const project = requiredString(args, 'project');
    const environments = strings(args, 'env');
    const { live } = await readLiveState(ctx.api, project);
    const known = live.environments.map((e) => e.key);
    const unknown = environments.filter((e) => !known.includes(e));
    if (unknown.length)
      throw new CliUsageError(
        `--env: project '${project}' has no environment ${unknown.map((e) => `'${e}'`).join(', ')}`,
      );
    const config = exportConfig({
      project,
      flags: live.flags,
      segments: live.segments,
      ...(environments.length ? { environments } : {}),
    });
    const text = configToYaml(config, optionalString(args, 'schema'));
    const output = optionalString(args, 'output');
    if (output) {
      fs.writeFileSync(output, text);
      ctx.out.note(`wrote ${config.flags.length} flag(s) of project ${project} to ${output}`);
    } else if (ctx.out.json) {
      ctx.out.result(config, () => undefined);
    } else {
      ctx.out.line(text.trimEnd());
    }
    return EXIT.ok;
  },
};

const FILE_OPTIONS = {
  file: { type: 'string', short: 'f' },
  project: { type: 'string' },
  env: { type: 'string', multiple: true },
  prune: { type: 'boolean' },
} as const;

/** The file, and the project it is compared with (--project overrides the file's, to apply it elsewhere). */
async function load(ctx: Parameters<CliCommand['run']>[0], args: CliArgs) {
  const path = requiredString(args, 'file');
  const file = readConfigFile(path);
  const project = optionalString(args, 'project') ?? file.project;
  const environments = strings(args, 'env');
  const snapshot = await readLiveState(ctx.api, project);
  const options = { ...(environments.length ? { environments } : {}), prune: flag(args, 'prune') };
  return { source: path, file, project, snapshot, options };
}

const planCommand: CliCommand = {
  path: ['plan'],
  summary: 'Show the instructions that would make the live project match a config file',
  usage:
    '-f gantry.yaml [--project <p>] [--env <e> …] [--prune] [--detailed-exitcode]\n' +
    '  exit codes with --detailed-exitcode: 0 no drift, 2 drift, 1 error',
  options: { ...FILE_OPTIONS, 'detailed-exitcode': { type: 'boolean' } },
  async run(ctx, args) {
    const { source, file, project, snapshot, options } = await load(ctx, args);
    const result = await checkedPlan({ source, file, snapshot, options });
    ctx.out.result(planJson(project, result), () => renderPlan(ctx.out, project, result));
    return flag(args, 'detailed-exitcode') && result.steps.length ? EXIT.pending : EXIT.ok;
  },
};

/** --timeout: seconds (`300`), or a duration with a unit (`5m`). */
export function timeoutOption(args: CliArgs): number | undefined {
  const text = optionalString(args, 'timeout');
  if (text === undefined) return undefined;
  return /^\d+$/.test(text.trim()) ? Number(text) * 1000 : parseDuration(text, '--timeout');
}

export const APPLY_OPTIONS = {
  message: { type: 'string', short: 'm' },
  ref: { type: 'string' },
  'wait-approval': { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

const applyCommand: CliCommand = {
  path: ['apply'],
  summary: 'Apply a config file: direct writes where allowed, change requests where approval is required',
  usage:
    '-f gantry.yaml [--project <p>] [--env <e> …] [--prune] [-m <message>] [--ref <ref>] [--wait-approval [--timeout <s>]]\n' +
    '  exit codes: 0 applied (with --wait-approval: and every change request applied), 1 error or partial failure,\n' +
    '  2 change requests opened and not waited for, or still pending after --timeout, 3 declined or blocked',
  options: { ...FILE_OPTIONS, ...APPLY_OPTIONS },
  async run(ctx, args) {
    const { source, file, snapshot, options } = await load(ctx, args);
    return applyConfig(ctx, {
      api: ctx.api,
      source,
      file,
      snapshot,
      options,
      label: { message: optionalString(args, 'message'), ref: optionalString(args, 'ref') },
      fallbackDescription: `gantry apply ${source}`,
      ...(flag(args, 'wait-approval') ? { wait: { timeoutMs: timeoutOption(args) } } : {}),
    });
  },
};

export const configAsCodeCommands: CliCommand[] = [exportCommand, planCommand, applyCommand];
