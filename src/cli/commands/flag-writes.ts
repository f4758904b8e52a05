/**
 * `gantry flag on|off|patch`: writes through the one audited write path (`PATCH …/flags/{f}`).
 *
 * Governance is the server's: a gated environment answers `approval/required` (exit 3, the message
 * says why). With `--change-request` the CLI then opens a change request with the same instructions
 * instead (exit 2: the change is pending review). `--bypass-reason` is break-glass for owners and
 * admins (`X-Gantry-Bypass-Reason`); the write is audited with it and a retroactive review opens.
 */
import type { components } from '../../../openapi/schema';
import { BYPASS_HEADER, call, callWithResponse } from '../api';
import { flag as booleanFlag, optionalString, positionals, requiredString } from '../args';
import { CliApiError, CliUsageError } from '../cli-errors';
import type { CliArgs, CliCommand } from '../command';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { readInstructions, type Instruction } from '../instructions-input';
import { servingLabel } from '../variations';

type Flag = components['schemas']['FlagDto'];
type ChangeRequest = components['schemas']['ChangeRequestDto'];

/** Codes after which a change request is the way forward (a freeze is not: its apply would be frozen too). */
const GATED = new Set(['approval/required', 'approval/bypass_reason_required']);

const writeOptions = {
  project: { type: 'string', short: 'p' },
  env: { type: 'string', short: 'e' },
  comment: { type: 'string', short: 'm' },
  'bypass-reason': { type: 'string' },
  'change-request': { type: 'boolean' },
  description: { type: 'string' },
  'if-match': { type: 'string' },
} as const;

const gatedHelp = [
  'Exit codes: 0 written, 3 refused (approval required, freeze active), 2 change request opened (--change-request), 1 error.',
];

const toggle = (kind: 'turnFlagOn' | 'turnFlagOff', word: 'on' | 'off'): CliCommand => ({
  path: ['flag', word],
  summary: `Turn a flag ${word} in an environment`,
  usage: [
    `<flag> --project <p> --env <e> [--comment <text>] [--change-request] [--bypass-reason <why>]`,
    `Example: gantry flag ${word} checkout --project shop --env production --change-request -m "launch"`,
    ...gatedHelp,
  ].join('\n'),
  options: writeOptions,
  run(ctx, args) {
    const { flag } = positionals(args, 'flag');
    return write(ctx, args, flag, { instructions: [{ kind }], environmentKey: requiredString(args, 'env') });
  },
});

const patch: CliCommand = {
  path: ['flag', 'patch'],
  summary: 'Apply semantic-patch instructions to a flag (from a JSON/YAML file or --instruction)',
  usage: [
    '<flag> --project <p> [--env <e>] (-f <file|-> | --instruction <json>…) [--comment <text>] [--change-request] [--bypass-reason <why>]',
    `Example: gantry flag patch checkout -p shop -e staging --instruction '{"kind":"addTargets","variationId":"…","values":["u-1"]}'`,
    ...gatedHelp,
  ].join('\n'),
  options: { ...writeOptions, file: { type: 'string', short: 'f' }, instruction: { type: 'string', multiple: true } },
  run(ctx, args) {
    const { flag } = positionals(args, 'flag');
    const input = readInstructions(args);
    return write(ctx, args, flag, {
      instructions: input.instructions,
      environmentKey: optionalString(args, 'env') ?? input.environmentKey,
      comment: input.comment,
    });
  },
};

interface Change {
  instructions: Instruction[];
  environmentKey?: string;
  comment?: string;
}

async function write(ctx: CliContext, args: CliArgs, flagKey: string, change: Change): Promise<number> {
  const projectKey = requiredString(args, 'project');
  const comment = optionalString(args, 'comment') ?? change.comment;
  const bypassReason = optionalString(args, 'bypass-reason');
  const ifMatch = optionalString(args, 'if-match');
  const { environmentKey, instructions } = change;
  try {
    const { data: flag, response } = await callWithResponse(
      ctx.api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey, flagKey }, ...(ifMatch ? { header: { 'if-match': ifMatch } } : {}) },
        body: { instructions, ...(environmentKey ? { environmentKey } : {}), ...(comment ? { comment } : {}) },
        headers: bypassReason ? { [BYPASS_HEADER]: bypassReason } : {},
      }),
    );
    const bypassed = response.headers.get('x-gantry-approval-bypassed') === 'true';
    ctx.out.result({ outcome: 'applied', flag }, () => printApplied(ctx, flag, environmentKey, bypassed));
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof CliApiError) || !GATED.has(error.code ?? '')) throw error;
    if (!booleanFlag(args, 'change-request')) {
      if (environmentKey) error.hint = 'Re-run with --change-request to open a change request for review instead.';
      throw error;
    }
    if (!environmentKey)
      throw new CliUsageError('--change-request needs --env: a change request is for one environment');
    const description =
      optionalString(args, 'description') ?? comment ?? `${instructions.map((i) => i.kind).join(', ')} via gantry CLI`;
    const request = await call(
      ctx.api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/change-requests', {
        params: { path: { projectKey, flagKey, envKey: environmentKey } },
        body: { instructions, description },
      }),
    );
    const url = changeRequestUrl(ctx, request.id);
    ctx.out.result({ outcome: 'changeRequestOpened', changeRequest: request, url }, () =>
      printOpened(ctx, request, url, error),
    );
    return EXIT.pending;
  }
}

export function changeRequestUrl(ctx: CliContext, id: string): string {
  return `${(ctx.config.url ?? '').replace(/\/+$/, '')}/api/v1/change-requests/${id}`;
}

function printApplied(ctx: CliContext, flag: Flag, environmentKey: string | undefined, bypassed: boolean) {
  const config = environmentKey ? flag.environments[environmentKey] : undefined;
  const where =
    environmentKey && config
      ? ` in ${environmentKey}: ${config.on ? 'on' : 'off'}, serves ${servingLabel(flag, config.fallthrough)}, version ${config.version}`
      : ` (version ${flag.version})`;
  ctx.out.line(`${ctx.out.green('✓')} ${flag.key} updated${where}`);
  if (bypassed)
    ctx.out.note(
      ctx.out.yellow('break-glass: approval bypassed; a retroactive review was opened and the reason audited'),
    );
  for (const w of flag.warnings ?? [])
    ctx.out.note(ctx.out.yellow(`guardrail warning (${w.policy}/${w.rule}): ${w.message}`));
}

function printOpened(ctx: CliContext, request: ChangeRequest, url: string, refusal: CliApiError) {
  ctx.out.note(`${refusal.title} (${refusal.code}): opening a change request instead`);
  ctx.out.line(
    `Opened change request ${request.id} (${request.status}, ${request.approvalsRequired} approval(s) required)`,
  );
  ctx.out.line(url);
  for (const reason of request.approvalReasons) ctx.out.line(`  - ${reason}`);
}

export const flagWriteCommands: CliCommand[] = [toggle('turnFlagOn', 'on'), toggle('turnFlagOff', 'off'), patch];
