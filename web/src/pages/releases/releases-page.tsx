import type { PageProps } from '../../router/routes';

/** Placeholder: releases on a timeline, guarded-release charts, pipeline phases (issue 12). */
export function ReleasesPage({ params }: PageProps) {
  return (
    <>
      <h1>Releases</h1>
      <p>
        Releases and pipelines of project <code>{params.projectKey}</code> will be shown here.
      </p>
    </>
  );
}
