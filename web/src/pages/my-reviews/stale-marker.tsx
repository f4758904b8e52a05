import { api, request } from '../../api/client';
import { useResource } from '../../api/use-resource';

const OPEN = new Set(['pending', 'approved', 'scheduled']);

/**
 * "Stale" on an open request whose resource moved since its base version. The list does not carry
 * it, so each open row asks the request's own read, whose `actions` say it the way apply would
 * (apply refused with change_request/conflict, or a rebase offered to the author). Closed rows ask nothing.
 */
export function StaleMarker({ id, status }: { id: string; status: string }) {
  const open = OPEN.has(status);
  const detail = useResource(
    async (signal) =>
      open ? request(api.GET('/api/v1/change-requests/{id}', { params: { path: { id } }, signal })) : null,
    [id, open],
  );
  if (detail.status !== 'ok' || !detail.data) return null;
  const { actions, baseVersion, resourceKind } = detail.data;
  if (!actions.rebase.allowed && actions.apply.code !== 'change_request/conflict') return null;
  return (
    <p className="marker marker-conflict">
      Stale: the {resourceKind} changed since version {baseVersion}; the request needs a rebase before it can be
      applied.
    </p>
  );
}
