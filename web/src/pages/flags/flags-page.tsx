import { api, request } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import { Link } from '../../router/router';
import { paths } from '../../router/paths';
import type { PageProps } from '../../router/routes';

/** The project's flags, each linking to its page. (The example of a page loading data: useResource + Loaded.) */
export function FlagsPage({ params }: PageProps) {
  const { projectKey } = params;
  const flags = useResource(
    async (signal) =>
      (await request(api.GET('/api/v1/projects/{projectKey}/flags', { params: { path: { projectKey } }, signal })))
        .items,
    [projectKey],
  );
  return (
    <>
      <h1>Flags</h1>
      <p className="subtitle">
        Project <code>{projectKey}</code>
      </p>
      <Loaded resource={flags} label="Loading flags…">
        {(items) =>
          items.length === 0 ? (
            <p>This project has no flags yet.</p>
          ) : (
            <ul className="plain-list">
              {items.map((f) => (
                <li key={f.key}>
                  <Link to={paths.flag(projectKey, f.key)}>{f.name}</Link> <code>{f.key}</code>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}
