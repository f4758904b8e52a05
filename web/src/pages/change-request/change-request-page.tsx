import type { PageProps } from '../../router/routes';

/** Placeholder: one change request, its before/after, impact, reviews and actions (issue 12). */
export function ChangeRequestPage({ params }: PageProps) {
  return (
    <>
      <h1>Change request</h1>
      <p>
        Request <code>{params.id}</code>: what changes, its impact, reviews and the audit trail will be shown here.
      </p>
    </>
  );
}
