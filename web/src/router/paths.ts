/**
 * Every console address, built in one place so links and the routes table agree and keys are
 * encoded. A webhook or notification links to `paths.changeRequest(id)` under Gantry's public URL.
 */
const seg = encodeURIComponent;

export const paths = {
  myReviews: () => '/ui/',
  changeRequest: (id: string) => `/ui/change-requests/${seg(id)}`,
  flags: (projectKey: string) => `/ui/projects/${seg(projectKey)}/flags`,
  flag: (projectKey: string, flagKey: string) => `/ui/projects/${seg(projectKey)}/flags/${seg(flagKey)}`,
  releases: (projectKey: string) => `/ui/projects/${seg(projectKey)}/releases`,
  release: (projectKey: string, flagKey: string, envKey: string, id: string) =>
    `/ui/projects/${seg(projectKey)}/flags/${seg(flagKey)}/environments/${seg(envKey)}/releases/${seg(id)}`,
  auditLog: () => '/ui/audit',
  signIn: (returnTo?: string) =>
    returnTo && returnTo !== '/ui/' ? `/ui/sign-in?returnTo=${seg(returnTo)}` : '/ui/sign-in',
};

/**
 * Where to go after signing in: only a path inside the console (no other origin, no protocol-relative
 * `//host`, not the sign-in page itself), else My reviews.
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !/^\/ui(\/|$)/.test(value) || value.includes('\\') || value.startsWith('/ui/sign-in')) return '/ui/';
  return value;
}

export type RouteParams = Record<string, string>;

/** Matches `/ui/projects/:projectKey/flags` against a path; params are decoded. */
export function matchPattern(pattern: string, path: string): RouteParams | undefined {
  const want = pattern.split('/');
  const got = (path === '/ui' ? '/ui/' : path).split('/');
  if (want.length !== got.length) return undefined;
  const params: RouteParams = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (!got[i]) return undefined;
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return undefined;
      }
    } else if (want[i] !== got[i]) return undefined;
  }
  return params;
}
