/**
 * `--wait-approval`: the change requests an apply opened (or found open) are followed until each is
 * applied — by whoever approves and applies it, or by the server when the environment auto-applies
 * on approval. Declined ends the wait with exit 3; failed or cancelled with exit 1; the timeout
 * with exit 2 (still pending). The server's status is the truth; the CLI only reads it.
 */
import { call } from '../api';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';

export interface FollowedRequest {
  id: string;
  resource: string;
  environment: string;
  status: string;
}

const FINAL = new Set(['applied', 'declined', 'failed', 'cancelled']);

export async function waitForApproval(
  ctx: CliContext,
  requests: FollowedRequest[],
  timeoutMs: number | undefined,
  intervalMs = 1000,
): Promise<{ code: ExitCode; requests: FollowedRequest[] }> {
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    for (const r of requests.filter((x) => !FINAL.has(x.status))) {
      const cr = await call(ctx.api.GET('/api/v1/change-requests/{id}', { params: { path: { id: r.id } } }));
      r.status = cr.status;
    }
    const open = requests.filter((r) => !FINAL.has(r.status));
    if (requests.some((r) => r.status === 'declined')) return done(ctx, EXIT.refused, requests);
    if (requests.some((r) => r.status === 'failed' || r.status === 'cancelled')) return done(ctx, EXIT.error, requests);
    if (!open.length) return done(ctx, EXIT.ok, requests);
    if (Date.now() >= deadline) return done(ctx, EXIT.pending, requests);
    ctx.out.progress(
      `waiting for ${open.length} change request(s): ${open.map((r) => `${r.resource} ${r.environment} ${r.status}`).join(', ')}`,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

function done(ctx: CliContext, code: ExitCode, requests: FollowedRequest[]) {
  ctx.out.clearProgress();
  return { code, requests };
}
