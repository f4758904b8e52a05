import type { PageProps } from '../../router/routes';

/** Placeholder: filtered audit entries with their diffs, and chain verification (issue 12). */
export function AuditLogPage(_props: PageProps) {
  return (
    <>
      <h1>Audit log</h1>
      <p>Audit entries, their before/after and the chain verification will be shown here.</p>
    </>
  );
}
