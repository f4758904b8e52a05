import type { PageProps } from '../../router/routes';

/** Placeholder: per-environment targeting, version history and diffs, restoring a version (issue 12). */
export function FlagPage({ params }: PageProps) {
  return (
    <>
      <h1>Flag</h1>
      <p>
        <code>{params.flagKey}</code> in project <code>{params.projectKey}</code>: targeting per environment and its
        history will be shown here.
      </p>
    </>
  );
}
