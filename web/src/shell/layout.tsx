/**
 * The signed-in shell: skip link, header with the navigation (count badges from nav-counts), the
 * project the Flags and Releases links open, the member's name and sign out; then the page in <main>.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, request } from '../api/client';
import { useMember, useSession } from '../api/session';
import { useResource } from '../api/use-resource';
import { ErrorPanel } from '../components/error-panel';
import { asApiError, type ApiError } from '../api/problem';
import { Link, navigate } from '../router/router';
import { paths, type RouteParams } from '../router/paths';
import { useAwaitingReviewCount } from './awaiting-count';
import { useNavCounts } from './nav-counts';

/** A release's own page lives under its flag's address but belongs to Releases. */
const RELEASE_PAGE = /^\/ui\/projects\/[^/]+\/flags\/[^/]+\/environments\/[^/]+\/releases\//;

interface NavItem {
  label: string;
  to: string;
  /** Whether the current path belongs to this item (aria-current). */
  active: boolean;
  badge?: number;
}

export function Layout({ path, params, children }: { path: string; params: RouteParams; children: ReactNode }) {
  const member = useMember();
  const { signOut } = useSession();
  useAwaitingReviewCount(path);
  const counts = useNavCounts();
  const [signOutError, setSignOutError] = useState<ApiError>();
  const projects = useProjects();
  const projectKey = useCurrentProject(params.projectKey, projects.status === 'ok' ? projects.data : []);
  const main = useRef<HTMLElement>(null);

  // After in-app navigation, focus moves to the new page (as a full page load would), for keyboard and screen-reader users.
  // Compared with the path last shown rather than a "first render" flag, so an effect run twice for the
  // same path (StrictMode does that) does not steal focus from the skip link on a fresh load.
  const shownPath = useRef(path);
  useEffect(() => {
    if (shownPath.current === path) return;
    shownPath.current = path;
    main.current?.focus();
  }, [path]);

  const items: NavItem[] = [
    {
      label: 'My reviews',
      to: paths.myReviews(),
      active: path === '/ui/' || path.startsWith('/ui/change-requests/'),
      badge: counts.reviews,
    },
    ...(projectKey
      ? [
          {
            label: 'Flags',
            to: paths.flags(projectKey),
            active: /^\/ui\/projects\/[^/]+\/flags/.test(path) && !RELEASE_PAGE.test(path),
          },
          {
            label: 'Releases',
            to: paths.releases(projectKey),
            active: /^\/ui\/projects\/[^/]+\/releases/.test(path) || RELEASE_PAGE.test(path),
          },
        ]
      : []),
    { label: 'Audit log', to: paths.auditLog(), active: path.startsWith('/ui/audit') },
  ];

  const onSignOut = () => {
    signOut().then(
      () => navigate(paths.signIn(), { replace: true }),
      (e: unknown) => setSignOutError(asApiError(e)),
    );
  };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <Link className="brand" to={paths.myReviews()}>
          Gantry
        </Link>
        <nav aria-label="Main">
          <ul>
            {items.map((item) => (
              <li key={item.label}>
                <Link to={item.to} aria-current={item.active ? 'page' : undefined}>
                  {item.label}
                  {item.badge !== undefined && (
                    <span className="badge" aria-label={`${item.badge} waiting`}>
                      {item.badge}
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {projects.status === 'ok' && <ProjectPicker projects={projects.data} current={projectKey} />}
        <div className="who">
          <span className="member-name">{member.name}</span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      {signOutError && <ErrorPanel error={signOutError} />}
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** The project of the current address, else the last one shown, else the first the member can read. */
function useCurrentProject(fromRoute: string | undefined, projects: ProjectRef[]): string | undefined {
  const [remembered, setRemembered] = useState<string>();
  useEffect(() => {
    if (fromRoute) setRemembered(fromRoute);
  }, [fromRoute]);
  return fromRoute ?? remembered ?? projects[0]?.key;
}

interface ProjectRef {
  key: string;
  name: string;
}

function useProjects() {
  return useResource<ProjectRef[]>(
    async (signal) =>
      (await request(api.GET('/api/v1/projects', { signal }))).items.map((p) => ({ key: p.key, name: p.name })),
    [],
  );
}

/** Switching project opens the same kind of page (flags or releases) in the chosen project. */
function ProjectPicker({ projects, current }: { projects: ProjectRef[]; current: string | undefined }) {
  if (projects.length < 2) return null;
  const choose = (key: string) => {
    const releases = /^\/ui\/projects\/[^/]+\/releases/.test(window.location.pathname);
    navigate(releases ? paths.releases(key) : paths.flags(key));
  };
  return (
    <label className="project-picker">
      Project
      <select value={current} onChange={(e) => choose(e.target.value)}>
        {projects.map((p) => (
          <option key={p.key} value={p.key}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
