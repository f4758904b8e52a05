/**
 * `gantry audit list|verify`: the hash-chained audit log. `verify` asks the server to re-hash the
 * chain and exits 1 when it is broken, so a scheduled job can alert on tampering.
 */
import type { components } from '../../../openapi/schema';
import { call } from '../api';
import { optionalInteger, optionalString, positionals } from '../args';
import type { CliCommand } from '../command';
import { EXIT } from '../exit-codes';

type Entry = components['schemas']['AuditEntryDto'];

const list: CliCommand = {
  path: ['audit', 'list'],
  summary: 'List audit entries, newest first',
  usage: [
    '[--resource <r>] [--actor <id>] [--action <a>] [--change-request <id>] [--from <iso>] [--to <iso>] [--limit <n>] [--cursor <c>]',
    'Example: gantry audit list --resource "proj/shop:env/production:flag/checkout" --limit 20',
  ].join('\n'),
  options: {
    resource: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    'change-request': { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
  },
  async run(ctx, args) {
    positionals(args);
    const query = {
      resource: optionalString(args, 'resource'),
      actor: optionalString(args, 'actor'),
      action: optionalString(args, 'action'),
      changeRequest: optionalString(args, 'change-request'),
      from: optionalString(args, 'from'),
      to: optionalString(args, 'to'),
      limit: optionalInteger(args, 'limit'),
      cursor: optionalString(args, 'cursor'),
    };
    const page = await call(ctx.api.GET('/api/v1/audit-log', { params: { query } }));
    ctx.out.result(page, () => {
      ctx.out.table(page.items, [
        { header: 'id', value: (e: Entry) => e.id },
        { header: 'at', value: (e) => e.at },
        { header: 'actor', value: (e) => `${e.actor.name} (${e.actor.kind})` },
        { header: 'action', value: (e) => e.action },
        { header: 'resource', value: (e) => e.resource },
        { header: 'comment', value: (e) => e.comment },
      ]);
      if (page.next) ctx.out.line(ctx.out.dim(`more: --cursor ${page.next}`));
    });
    return EXIT.ok;
  },
};

const verify: CliCommand = {
  path: ['audit', 'verify'],
  summary: "Verify the audit log's hash chain (exit 1 when broken)",
  usage: 'Exit codes: 0 the chain verifies, 1 it is broken (the first broken entry is named) or the check failed.',
  options: {},
  async run(ctx, args) {
    positionals(args);
    const check = await call(ctx.api.GET('/api/v1/audit-log/verify'));
    ctx.out.result(check, () => {
      if (check.ok) ctx.out.line(`${ctx.out.green('✓')} audit chain intact: ${check.checked} entries verified`);
      else
        ctx.out.line(
          `${ctx.out.red('✗')} audit chain broken at entry ${check.firstBrokenId ?? '?'}: ` +
            `${check.reason ?? 'no reason given'} (${check.checked} checked)`,
        );
    });
    return check.ok ? EXIT.ok : EXIT.error;
  },
};

export const auditCommands: CliCommand[] = [list, verify];
