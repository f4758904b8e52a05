import { useId } from 'react';
import { api, request } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import { Link, navigate, useLocation } from '../../router/router';
import { paths } from '../../router/paths';
import type { PageProps } from '../../router/routes';
import { matchesFlagSearch } from './flag-search';
import './flags-page.css';

/** As many flags as the list endpoint gives in one page; the search filters them in the browser. */
const FLAGS_LIMIT = 200;

/**
 * The project's flags, each linking to its page, with tags and on/off per environment; a search box
 * filters by key or name (kept in the URL as ?q=). (The example of a page loading data: useResource + Loaded.)
 */
export function FlagsPage({ params }: PageProps) {
  const { projectKey } = params;
  const location = useLocation();
  const query = location.search.get('q') ?? '';
  const searchId = useId();
  const flags = useResource(
    async (signal) =>
      (
        await request(
          api.GET('/api/v1/projects/{projectKey}/flags', {
            params: { path: { projectKey }, query: { limit: FLAGS_LIMIT } },
            signal,
          }),
        )
      ).items,
    [projectKey],
  );
  const setQuery = (q: string) => {
    // Replace: typing should not leave a history entry per key stroke.
    navigate(q ? `${paths.flags(projectKey)}?q=${encodeURIComponent(q)}` : paths.flags(projectKey), { replace: true });
  };
  return (
    <>
      <h1>Flags</h1>
      <p className="subtitle">
        Project <code>{projectKey}</code>
      </p>
      <div className="flag-search">
        <label htmlFor={searchId}>Search flags</label>
        <input
          id={searchId}
          type="search"
          value={query}
          placeholder="key or name"
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <Loaded resource={flags} label="Loading flags…">
        {(items) => {
          if (items.length === 0) return <p>This project has no flags yet.</p>;
          const shown = items.filter((f) => matchesFlagSearch(f, query));
          return (
            <>
              <p className="hint" role="status">
                {query ? `${shown.length} of ${items.length} flags match “${query}”` : `${items.length} flags`}
              </p>
              <ul className="plain-list flag-list">
                {shown.map((f) => (
                  <li key={f.key}>
                    <Link to={paths.flag(projectKey, f.key)}>{f.name}</Link> <code>{f.key}</code>
                    {f.tags.length > 0 && (
                      <span className="flag-tags" aria-label="Tags">
                        {f.tags.map((t) => (
                          <span key={t} className="flag-tag">
                            {t}
                          </span>
                        ))}
                      </span>
                    )}
                    <span className="flag-states">
                      {Object.entries(f.environments).map(([env, config]) => (
                        <span key={env} className={config.on ? 'flag-state on' : 'flag-state'}>
                          {env}: {config.on ? 'on' : 'off'}
                        </span>
                      ))}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          );
        }}
      </Loaded>
    </>
  );
}
