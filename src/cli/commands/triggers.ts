/**
 * `gantry trigger fire <url>`: a trigger is called by its secret URL, which is the credential, so
 * no token or profile is needed (and none is sent). The URL's origin is the Gantry it goes to.
 */
import { call, createApi } from '../api';
import { optionalString, positionals } from '../args';
import { CliUsageError } from '../cli-errors';
import type { CliCommand } from '../command';
import { EXIT } from '../exit-codes';

const fire: CliCommand = {
  path: ['trigger', 'fire'],
  summary: "Call a trigger by its secret URL (applies the trigger's action)",
  usage: [
    "<url> [--idempotency-key <key>] [--body '<json>']",
    'Example: gantry trigger fire "$KILL_SWITCH_URL" --idempotency-key "alert-$ALERT_ID"',
  ].join('\n'),
  options: { 'idempotency-key': { type: 'string' }, body: { type: 'string' } },
  async run(ctx, args) {
    const { url } = positionals(args, 'url');
    const { origin, secret } = parseTriggerUrl(url);
    let body: Record<string, unknown> = {};
    const text = optionalString(args, 'body');
    if (text !== undefined) {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch (error) {
        throw new CliUsageError(`--body is not JSON: ${(error as Error).message}`);
      }
    }
    const key = optionalString(args, 'idempotency-key');
    const result = await call(
      createApi(origin, undefined).POST('/api/v1/triggers/{secret}', {
        params: { path: { secret }, ...(key ? { header: { 'idempotency-key': key } } : {}) },
        body,
      }),
    );
    ctx.out.result(result, () => {
      const what = result.replayed ? 'replayed the earlier answer' : result.changed ? 'applied' : 'nothing to change';
      ctx.out.line(`trigger ${result.triggerId}: ${what} (version ${result.version})`);
    });
    return EXIT.ok;
  },
};

function parseTriggerUrl(text: string): { origin: string; secret: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliUsageError(
      `'${text}' is not a URL; pass the trigger URL Gantry answered when the trigger was created`,
    );
  }
  const match = /^(.*)\/api\/v1\/triggers\/([^/]+)\/?$/.exec(url.pathname);
  if (!match)
    throw new CliUsageError(`'${url.origin}${url.pathname}' is not a trigger URL (…/api/v1/triggers/<secret>)`);
  return { origin: `${url.origin}${match[1]}`, secret: decodeURIComponent(match[2]) };
}

export const triggerCommands: CliCommand[] = [fire];
