/**
 * `gantry cr list|show|approve|decline|apply`: change requests for reviewers and for the CI step
 * that applies an approved one. `show` renders the readable diff and the impact preview (who would
 * see what), evaluated by the server over its sample of recent contexts.
 */
import type { components } from '../../../openapi/schema';
import { call } from '../api';
import { flag, optionalInteger, optionalString, positionals, strings } from '../args';
import { CliUsageError } from '../cli-errors';
import type { CliCommand } from '../command';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { changeRequestUrl } from './flag-writes';
import { CHANGE_REQUEST_STATUSES } from '../../core/approval/change-request-state';

type ChangeRequest = components['schemas']['ChangeRequestDto'];
type Impact = components['schemas']['ChangeRequestImpactDto'];

/** The statuses the server knows (a filter naming another is warned about, not refused). */
const STATUSES: readonly string[] = CHANGE_REQUEST_STATUSES;

const list: CliCommand = {
  path: ['cr', 'list'],
  summary: 'List change requests (default: the open ones)',
  usage: '[--project <p>] [--env <e>] [--status <s>…] [--to-review] [--limit <n>]',
  options: {
    project: { type: 'string', short: 'p' },
    env: { type: 'string', short: 'e' },
    status: { type: 'string', multiple: true },
    'to-review': { type: 'boolean' },
    limit: { type: 'string' },
  },
  async run(ctx, args) {
    positionals(args);
    const statuses = (args.values.status as string[] | undefined) ?? ['pending', 'approved', 'declined', 'scheduled'];
    const unknown = statuses.filter((s) => !STATUSES.includes(s));
    if (unknown.length)
      ctx.out.note(ctx.out.yellow(`warning: unknown status ${unknown.join(', ')}; known: ${STATUSES.join(', ')}`));
    const query = {
      status: statuses,
      projectKey: optionalString(args, 'project'),
      environmentKey: optionalString(args, 'env'),
      awaitingMyReview: flag(args, 'to-review') ? true : undefined,
      limit: optionalInteger(args, 'limit'),
    };
    const page = await call(
      ctx.api.GET('/api/v1/change-requests', {
        params: { query },
        // The API takes `status=a,b` (comma-separated), not repeated parameters.
        querySerializer: { array: { style: 'form', explode: false } },
      }),
    );
    ctx.out.result(page, () =>
      ctx.out.table(page.items, [
        { header: 'id', value: (r: ChangeRequest) => r.id },
        { header: 'status', value: (r) => r.status },
        { header: 'resource', value: (r) => `${r.projectKey}/${r.environmentKey}/${r.resourceKind}:${r.resourceKey}` },
        { header: 'approvals', value: (r) => `${r.approvals.approvers.length}/${r.approvalsRequired}` },
        { header: 'requester', value: (r) => r.requester.name },
        { header: 'description', value: (r) => r.description },
      ]),
    );
    return EXIT.ok;
  },
};

const show: CliCommand = {
  path: ['cr', 'show'],
  summary: 'Show a change request with its diff and impact preview',
  usage: [
    '<id> [--context \'{"kind":"user","key":"u-1"}\'…] [--no-sample]',
    'Contexts given are evaluated besides the environment’s sample of recently seen ones.',
  ].join('\n'),
  options: { context: { type: 'string', multiple: true }, 'no-sample': { type: 'boolean' } },
  async run(ctx, args) {
    const { id } = positionals(args, 'id');
    const contexts = strings(args, 'context').map((text, i) => {
      try {
        return JSON.parse(text) as Record<string, never>;
      } catch (error) {
        throw new CliUsageError(`--context #${i + 1} is not JSON: ${(error as Error).message}`);
      }
    });
    const [request, diff, impact] = await Promise.all([
      call(ctx.api.GET('/api/v1/change-requests/{id}', { params: { path: { id } } })),
      call(ctx.api.GET('/api/v1/change-requests/{id}/diff', { params: { path: { id } } })),
      call(
        ctx.api.POST('/api/v1/change-requests/{id}/impact', {
          params: { path: { id } },
          body: { contexts, includeSample: !flag(args, 'no-sample') },
        }),
      ),
    ]);
    ctx.out.result({ changeRequest: request, diff, impact }, () => {
      printRequest(ctx, request);
      ctx.out.line();
      ctx.out.line(ctx.out.bold('Diff'));
      for (const change of diff.changes) ctx.out.line(`  ${change.summary}`);
      if (diff.changes.length === 0) ctx.out.line(ctx.out.dim('  (no change)'));
      ctx.out.line();
      printImpact(ctx, impact);
    });
    return EXIT.ok;
  },
};

const review = (decision: 'approve' | 'decline'): CliCommand => ({
  path: ['cr', decision],
  summary: decision === 'approve' ? 'Approve a change request' : 'Decline a change request',
  usage: '<id> [--comment <text>]',
  options: { comment: { type: 'string', short: 'm' } },
  async run(ctx, args) {
    const { id } = positionals(args, 'id');
    const comment = optionalString(args, 'comment');
    const request = await call(
      ctx.api.POST('/api/v1/change-requests/{id}/reviews', {
        params: { path: { id } },
        body: { decision, ...(comment ? { comment } : {}) },
      }),
    );
    ctx.out.result(request, () => {
      ctx.out.line(`${decision === 'approve' ? 'Approved' : 'Declined'} ${request.id}: now ${request.status}`);
      ctx.out.line(`approvals ${request.approvals.approvers.length}/${request.approvalsRequired}`);
    });
    return EXIT.ok;
  },
});

const apply: CliCommand = {
  path: ['cr', 'apply'],
  summary: 'Apply an approved change request',
  usage: [
    '<id> [--comment <text>] [--override]',
    'Exit codes: 0 applied, 3 not approved enough / declined / frozen, 1 other errors (e.g. a conflict: rebase it).',
  ].join('\n'),
  options: { comment: { type: 'string', short: 'm' }, override: { type: 'boolean' } },
  async run(ctx, args) {
    const { id } = positionals(args, 'id');
    const comment = optionalString(args, 'comment');
    const request = await call(
      ctx.api.POST('/api/v1/change-requests/{id}/apply', {
        params: { path: { id } },
        body: { ...(comment ? { comment } : {}), ...(flag(args, 'override') ? { override: true } : {}) },
      }),
    );
    ctx.out.result(request, () => {
      ctx.out.line(
        `${ctx.out.green('✓')} applied ${request.id}: ${request.resourceKind} ${request.resourceKey} ` +
          `in ${request.environmentKey} is at version ${request.appliedVersion ?? '?'}`,
      );
    });
    return EXIT.ok;
  },
};

function printRequest(ctx: CliContext, r: ChangeRequest) {
  ctx.out.fields([
    ['id', r.id],
    ['status', r.status],
    ['resource', `${r.resourceKind} ${r.resourceKey}`],
    ['project', r.projectKey],
    ['environment', r.environmentKey],
    ['description', r.description],
    ['requester', r.requester.name],
    [
      'approvals',
      `${r.approvals.approvers.length}/${r.approvalsRequired}` +
        (r.approvals.approvedBy.length ? ` (${r.approvals.approvedBy.map((a) => a.name).join(', ')})` : ''),
    ],
    ['declined by', r.approvals.declinedBy.map((a) => a.name)],
    ['why approval', r.approvalReasons],
    ['execution date', r.executionDate],
    ['url', changeRequestUrl(ctx, r.id)],
  ]);
}

function printImpact(ctx: CliContext, impact: Impact) {
  const { sample, supplied, invalid } = impact.contexts;
  ctx.out.line(ctx.out.bold('Impact'));
  ctx.out.line(
    `  ${impact.changed} of ${sample + supplied} context(s) change ` +
      `(${sample} sampled, ${supplied} given${invalid ? `, ${invalid} invalid` : ''})`,
  );
  for (const f of impact.flags) {
    for (const t of f.transitions) {
      ctx.out.line(
        `  ${f.flagKey}: ${JSON.stringify(t.from.value)} → ${JSON.stringify(t.to.value)}: ${t.count}` +
          (t.examples.length ? ` (e.g. ${t.examples.join(', ')})` : ''),
      );
    }
  }
}

export const changeRequestCommands: CliCommand[] = [list, show, review('approve'), review('decline'), apply];
