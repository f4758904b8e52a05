/**
 * The console: the session decides between the sign-in page and the signed-in shell; the routes
 * table decides the page; every page sits in its own error boundary.
 */
import { useEffect } from 'react';
import { SessionProvider, useSession } from './api/session';
import { ErrorBoundary } from './components/error-boundary';
import { ErrorPanel } from './components/error-panel';
import { Loading } from './components/loading';
import { paths, safeReturnTo } from './router/paths';
import { matchRoute } from './router/routes';
import { navigate, useLocation } from './router/router';
import { Layout } from './shell/layout';
import { NavCountsProvider } from './shell/nav-counts';

export function App() {
  return (
    <SessionProvider>
      <NavCountsProvider>
        <Screen />
      </NavCountsProvider>
    </SessionProvider>
  );
}

function Screen() {
  const { state } = useSession();
  const location = useLocation();
  const { route, params } = matchRoute(location.path);
  const here = location.path + (location.search.size ? `?${location.search.toString()}` : '');

  // Signed out on a private page: to sign-in, remembering the address. Signed in on sign-in: back to it.
  const redirect =
    state.status === 'signed-out' && !route.public
      ? paths.signIn(here)
      : state.status === 'signed-in' && route.public
        ? safeReturnTo(location.search.get('returnTo'))
        : undefined;
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);
  useEffect(() => {
    document.title = `${route.title} · Gantry`;
  }, [route.title]);

  if (state.status === 'loading' || redirect) return <Loading label="Loading the console…" />;
  if (state.status === 'error')
    return (
      <main id="main" className="standalone">
        <ErrorPanel error={state.error} onRetry={() => window.location.reload()} />
      </main>
    );
  const Page = route.page;
  const page = (
    <ErrorBoundary key={location.path}>
      <Page params={params} />
    </ErrorBoundary>
  );
  if (route.public) return page;
  return (
    <Layout path={location.path} params={params}>
      {page}
    </Layout>
  );
}
