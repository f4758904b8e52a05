/**
 * My reviews' filters live in the URL query (`?state=pending&project=web&environment=production`),
 * so a copied link or the back button keeps them.
 */
import type { components } from '../../../../openapi/schema';

export type ChangeRequestStatus = components['schemas']['ChangeRequestDto']['status'];

export const STATES: ChangeRequestStatus[] = [
  'pending',
  'approved',
  'scheduled',
  'declined',
  'applied',
  'failed',
  'cancelled',
  'bypassed',
  'acknowledged',
  'incident',
];

export interface ReviewFilters {
  state?: ChangeRequestStatus;
  project?: string;
  environment?: string;
}

export function filtersFrom(search: URLSearchParams): ReviewFilters {
  const state = search.get('state') as ChangeRequestStatus | null;
  return {
    state: state && STATES.includes(state) ? state : undefined,
    project: search.get('project') || undefined,
    environment: search.get('environment') || undefined,
  };
}

/** The query string for `filters` (empty values left out), with its leading "?" when not empty. */
export function filtersQuery(filters: ReviewFilters): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters) as [string, string | undefined][]) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The API's query for these filters (GET /api/v1/change-requests). */
export function apiQuery(filters: ReviewFilters) {
  return {
    ...(filters.project ? { projectKey: filters.project } : {}),
    ...(filters.environment ? { environmentKey: filters.environment } : {}),
  };
}
