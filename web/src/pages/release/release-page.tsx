import { useEffect, useId, useState } from 'react';
import { asApiError, type ApiError } from '../../api/problem';
import { api, request } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import { Link } from '../../router/router';
import { paths } from '../../router/paths';
import type { PageProps } from '../../router/routes';
import { formatTime, formatWeight, kindOf, stateLabel, type Release } from '../releases/release-format';
import { GuardView } from './guard-view';
import { StageTimeline } from './stage-timeline-view';
import './release.css';

/** One release: its stages on a timeline with the weight in force, and for a guarded one the guard's checks. */
export function ReleasePage({ params }: PageProps) {
  const { projectKey, flagKey, envKey, id } = params;
  const load = (signal?: AbortSignal) =>
    request(
      api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
        params: { path: { projectKey, flagKey, envKey, id } },
        signal,
      }),
    );
  const release = useResource(load, [projectKey, flagKey, envKey, id]);
  const live = useLiveRelease(release.status === 'ok' ? release.data : undefined, load);
  return (
    <>
      <h1>Release</h1>
      <p className="subtitle">
        <Link to={paths.releases(projectKey)}>All releases of {projectKey}</Link>
      </p>
      <Loaded resource={release} label="Loading the release…">
        {(r) => (
          <>
            {live.error && (
              <p className="hint" role="status">
                Could not refresh: {live.error.title} <code>{live.error.code}</code>
              </p>
            )}
            <ReleaseDetail release={live.release ?? r} onRefresh={release.reload} />
          </>
        )}
      </Loaded>
    </>
  );
}

const LIVE_MS = 5_000;

/** While a release runs, it is read again every few seconds (in place, no loading state), so its stages and guard move on screen. */
function useLiveRelease(loaded: Release | undefined, load: () => Promise<Release>) {
  const [latest, setLatest] = useState<Release>();
  const [error, setError] = useState<ApiError>();
  useEffect(() => setLatest(undefined), [loaded]);
  const current = latest ?? loaded;
  useEffect(() => {
    if (current?.status !== 'running') return;
    const timer = window.setTimeout(() => {
      load().then(
        (r) => {
          setLatest(r);
          setError(undefined);
        },
        (e: unknown) => setError(asApiError(e)),
      );
    }, LIVE_MS);
    return () => window.clearTimeout(timer);
    // `load` is a new closure each render; the release read is what says when to look again.
  }, [current]);
  return { release: latest, error };
}

function ReleaseDetail({ release: r, onRefresh }: { release: Release; onRefresh: () => void }) {
  const stagesId = useId();
  const guardId = useId();
  const to = r.target.toVariation;
  return (
    <>
      <dl className="release-facts">
        <dt>Flag</dt>
        <dd>
          <Link to={paths.flag(r.projectKey, r.flagKey)}>{r.flagKey}</Link>
        </dd>
        <dt>Environment</dt>
        <dd>{r.environmentKey}</dd>
        <dt>Kind</dt>
        <dd>{kindOf(r)}</dd>
        <dt>State</dt>
        <dd>
          <span className={`state state-${r.status}`}>{stateLabel(r.status)}</span>
        </dd>
        <dt>Current weight</dt>
        <dd className="current-weight">{formatWeight(r.currentWeight)}</dd>
        <dt>Releases</dt>
        <dd>
          {to ? <code>{JSON.stringify(to.value)}</code> : <code>{r.target.toVariationId}</code>}
          {to?.name && ` (${to.name})`} {r.target.ruleId ? `through rule ${r.target.ruleId}` : 'in the fallthrough'}
        </dd>
        <dt>Started</dt>
        <dd>
          {formatTime(r.createdAt)} by {r.createdBy.name}
        </dd>
        <dt>Updated</dt>
        <dd>{formatTime(r.updatedAt)}</dd>
        {r.failure && (
          <>
            <dt>Failure</dt>
            <dd>
              {r.failure.message} <code>{r.failure.code}</code>
            </dd>
          </>
        )}
      </dl>
      <button type="button" onClick={onRefresh}>
        Refresh
      </button>
      <section aria-labelledby={stagesId}>
        <h2 id={stagesId}>Stages</h2>
        <StageTimeline release={r} />
      </section>
      {r.guard && (
        <section aria-labelledby={guardId}>
          <h2 id={guardId}>Guard</h2>
          <p className="hint">
            Watching {r.guard.metrics.join(', ')}; on a regression: {r.guard.onRegression}; at least{' '}
            {r.guard.minSamplePerArm} contexts per variation; false-alarm rate {r.guard.alpha}.
          </p>
          <GuardView checks={r.guardChecks ?? []} />
        </section>
      )}
    </>
  );
}
