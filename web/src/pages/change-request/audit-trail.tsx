import { api, request } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import { ago } from '../../components/targeting/format';

/** Audit entries linked to this request (GET /api/v1/audit-log?changeRequest=…), oldest first. */
export function AuditTrail({ id, generation }: { id: string; generation: number }) {
  const entries = useResource(
    async (signal) =>
      (
        await request(api.GET('/api/v1/audit-log', { params: { query: { changeRequest: id, limit: 200 } }, signal }))
      ).items.reverse(),
    [id, generation],
  );
  return (
    <Loaded resource={entries} label="Loading the audit trail…">
      {(items) =>
        items.length === 0 ? (
          <p className="hint">No audit entries for this request.</p>
        ) : (
          <div className="table-scroll">
            <table className="audit-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Resource</th>
                  <th scope="col">Comment</th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <time dateTime={e.at} title={new Date(e.at).toLocaleString()}>
                        {ago(e.at)}
                      </time>
                    </td>
                    <td>{e.actor.name}</td>
                    <td>{e.action}</td>
                    <td>
                      <code>{e.resource}</code>
                    </td>
                    <td>{e.comment}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </Loaded>
  );
}
