import { useState, type FormEvent } from 'react';
import { api, request } from '../../api/client';
import { useCursorPages, type CursorPage } from '../../api/use-cursor-pages';
import { useResource } from '../../api/use-resource';
import { ErrorPanel } from '../../components/error-panel';
import { Loaded } from '../../components/loading';
import { useUrlFilters } from '../../components/use-url-filters';
import { Link } from '../../router/router';
import { paths } from '../../router/paths';
import type { PageProps } from '../../router/routes';
import { PipelinesSection } from './pipelines-section';
import { formatTime, formatWeight, kindOf, RELEASE_STATES, stateLabel, type Release } from './release-format';
import './releases.css';

const FILTERS = ['flag', 'environment', 'state'] as const;
const PAGE = 25;

/** The project's releases (filters in the address, older ones by "Load more"), then its release pipelines. */
export function ReleasesPage({ params }: PageProps) {
  const { projectKey } = params;
  const { values, set } = useUrlFilters(FILTERS);
  const project = useResource(
    (signal) => request(api.GET('/api/v1/projects/{projectKey}', { params: { path: { projectKey } }, signal })),
    [projectKey],
  );
  const query = {
    flag: values.flag || undefined,
    environment: values.environment || undefined,
    state: (values.state || undefined) as Release['status'] | undefined,
  };
  const fetchPage = (cursor: string | undefined, signal?: AbortSignal) =>
    request(
      api.GET('/api/v1/projects/{projectKey}/releases', {
        params: { path: { projectKey }, query: { ...query, limit: PAGE, cursor } },
        signal,
      }),
    );
  const first = useResource(
    (signal) => fetchPage(undefined, signal),
    [projectKey, values.flag, values.environment, values.state],
  );

  return (
    <>
      <h1>Releases</h1>
      <p className="subtitle">
        Project <code>{projectKey}</code>
      </p>
      <Filters
        values={values}
        environments={project.status === 'ok' ? project.data.environments.map((e) => e.key) : []}
        onApply={set}
      />
      <Loaded resource={first} label="Loading releases…">
        {(page) => <ReleaseTable key={JSON.stringify(values)} projectKey={projectKey} first={page} more={fetchPage} />}
      </Loaded>
      <PipelinesSection projectKey={projectKey} />
    </>
  );
}

function Filters({
  values,
  environments,
  onApply,
}: {
  values: Record<(typeof FILTERS)[number], string>;
  environments: string[];
  onApply: (v: Partial<Record<(typeof FILTERS)[number], string>>) => void;
}) {
  const [flag, setFlag] = useState(values.flag);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ flag: flag.trim() });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Filter releases">
      <span className="inline-input">
        <label>
          Flag key
          <input value={flag} onChange={(e) => setFlag(e.target.value)} placeholder="any flag" />
        </label>
        <button type="submit">Apply</button>
      </span>
      <label>
        Environment
        <select value={values.environment} onChange={(e) => onApply({ environment: e.target.value })}>
          <option value="">all environments</option>
          {[...new Set([...environments, ...(values.environment ? [values.environment] : [])])].map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <label>
        State
        <select value={values.state} onChange={(e) => onApply({ state: e.target.value })}>
          <option value="">any state</option>
          {RELEASE_STATES.map((s) => (
            <option key={s} value={s}>
              {stateLabel(s)}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}

type Page = CursorPage<Release>;

/** The first page, then older ones appended by "Load more". */
function ReleaseTable({
  projectKey,
  first,
  more,
}: {
  projectKey: string;
  first: Page;
  more: (cursor: string) => Promise<Page>;
}) {
  const { items, next, busy, error, loadMore } = useCursorPages(first, more);
  if (items.length === 0) return <p>No releases match these filters.</p>;
  return (
    <>
      <div className="table-box">
        <table className="data-table releases-table">
          <caption className="visually-hidden">Releases, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Flag</th>
              <th scope="col">Environment</th>
              <th scope="col">Kind</th>
              <th scope="col">State</th>
              <th scope="col">Current weight</th>
              <th scope="col">Started</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <Link to={paths.release(projectKey, r.flagKey, r.environmentKey, r.id)}>{r.flagKey}</Link>
                </th>
                <td>{r.environmentKey}</td>
                <td>{kindOf(r)}</td>
                <td>
                  <span className={`state state-${r.status}`}>{stateLabel(r.status)}</span>
                </td>
                <td>{formatWeight(r.currentWeight)}</td>
                <td>{formatTime(r.createdAt)}</td>
                <td>{formatTime(r.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error && <ErrorPanel error={error} onRetry={loadMore} />}
      {next && (
        <button type="button" onClick={loadMore} disabled={busy}>
          {busy ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}
