import { api, request } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import { useUrlFilters } from '../../components/use-url-filters';
import type { PageProps } from '../../router/routes';
import { AuditEntries } from './audit-entries';
import { AUDIT_FILTERS, AuditFilters } from './audit-filters';
import { VerifyChain } from './verify-chain';
import './audit-log.css';

const PAGE = 25;

/** The audit log: filtered (filters in the address), newest first, each entry's diff; chain verification. */
export function AuditLogPage(_props: PageProps) {
  const { values, set } = useUrlFilters(AUDIT_FILTERS);
  const fetchPage = (cursor: string | undefined, signal?: AbortSignal) =>
    request(
      api.GET('/api/v1/audit-log', {
        params: {
          query: {
            resource: values.resource || undefined,
            actor: values.actor || undefined,
            action: values.action || undefined,
            from: values.from || undefined,
            to: values.to || undefined,
            limit: PAGE,
            cursor,
          },
        },
        signal,
      }),
    );
  const key = JSON.stringify(values);
  const first = useResource((signal) => fetchPage(undefined, signal), [key]);
  return (
    <>
      <h1>Audit log</h1>
      <VerifyChain />
      <h2>Entries</h2>
      <AuditFilters key={key} values={values} onApply={set} />
      <Loaded resource={first} label="Loading audit entries…">
        {(page) => <AuditEntries key={key} first={page} more={fetchPage} onActor={(actor) => set({ actor })} />}
      </Loaded>
    </>
  );
}
