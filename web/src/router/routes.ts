/**
 * The routes table. To add a page: create web/src/pages/<name>/<name>-page.tsx exporting a component
 * that takes `{ params }`, add a row here, and a builder to `paths` (paths.ts) for links to it.
 */
import type { ComponentType } from 'react';
import { AuditLogPage } from '../pages/audit-log/audit-log-page';
import { ChangeRequestPage } from '../pages/change-request/change-request-page';
import { FlagPage } from '../pages/flag/flag-page';
import { FlagsPage } from '../pages/flags/flags-page';
import { MyReviewsPage } from '../pages/my-reviews/my-reviews-page';
import { NotFoundPage } from '../pages/not-found/not-found-page';
import { ReleasePage } from '../pages/release/release-page';
import { ReleasesPage } from '../pages/releases/releases-page';
import { SignInPage } from '../pages/sign-in/sign-in-page';
import { matchPattern, type RouteParams } from './paths';

export interface PageProps {
  params: RouteParams;
}

export interface Route {
  pattern: string;
  page: ComponentType<PageProps>;
  /** The document title (the page's own <h1> may say more). */
  title: string;
  /** Shown without a session and outside the shell layout. */
  public?: boolean;
}

export const ROUTES: readonly Route[] = [
  { pattern: '/ui/', page: MyReviewsPage, title: 'My reviews' },
  { pattern: '/ui/sign-in', page: SignInPage, title: 'Sign in', public: true },
  { pattern: '/ui/change-requests/:id', page: ChangeRequestPage, title: 'Change request' },
  { pattern: '/ui/projects/:projectKey/flags', page: FlagsPage, title: 'Flags' },
  { pattern: '/ui/projects/:projectKey/flags/:flagKey', page: FlagPage, title: 'Flag' },
  { pattern: '/ui/projects/:projectKey/releases', page: ReleasesPage, title: 'Releases' },
  {
    pattern: '/ui/projects/:projectKey/flags/:flagKey/environments/:envKey/releases/:id',
    page: ReleasePage,
    title: 'Release',
  },
  { pattern: '/ui/audit', page: AuditLogPage, title: 'Audit log' },
];

const NOT_FOUND: Route = { pattern: '', page: NotFoundPage, title: 'Not found' };

export function matchRoute(path: string): { route: Route; params: RouteParams } {
  for (const route of ROUTES) {
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return { route: NOT_FOUND, params: {} };
}
