import { api, request } from '../../api/client';
import { useMember } from '../../api/session';
import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import type { PageProps } from '../../router/routes';
import { navigate, useLocation } from '../../router/router';
import { paths } from '../../router/paths';
import { apiQuery, filtersFrom, filtersQuery, STATES, type ReviewFilters } from './review-filters';
import { ReviewList } from './review-list';
import './my-reviews.css';

/**
 * My reviews: change requests awaiting the member's review, their own requests, and break-glass
 * writes awaiting acknowledgement, filtered by state, project and environment (kept in the URL).
 * The navigation's count comes from shell/awaiting-count.ts, on every page.
 */
export function MyReviewsPage(_props: PageProps) {
  const member = useMember();
  const { search } = useLocation();
  const filters = filtersFrom(search);
  const deps = [filters.state, filters.project, filters.environment];
  const base = apiQuery(filters);

  // Awaiting review means pending (the API's awaitingMyReview): a state filter other than pending empties it.
  const awaiting = useResource(
    async (signal) =>
      filters.state && filters.state !== 'pending'
        ? []
        : (
            await request(
              api.GET('/api/v1/change-requests', { params: { query: { ...base, awaitingMyReview: true } }, signal }),
            )
          ).items,
    deps,
  );
  const mine = useResource(
    async (signal) =>
      (
        await request(
          api.GET('/api/v1/change-requests', {
            params: { query: { ...base, requester: member.id, ...(filters.state ? { status: [filters.state] } : {}) } },
            signal,
          }),
        )
      ).items,
    [...deps, member.id],
  );
  const bypasses = useResource(
    async (signal) =>
      filters.state && filters.state !== 'bypassed'
        ? []
        : (
            await request(
              api.GET('/api/v1/change-requests', { params: { query: { ...base, status: ['bypassed'] } }, signal }),
            )
          ).items,
    deps,
  );

  return (
    <>
      <h1>My reviews</h1>
      <Filters filters={filters} />
      <section aria-labelledby="awaiting-heading" className="review-section">
        <h2 id="awaiting-heading">Awaiting my review</h2>
        <Loaded resource={awaiting} label="Loading requests awaiting you…">
          {(items) => <ReviewList items={items} empty="Nothing awaits your review." />}
        </Loaded>
      </section>
      <section aria-labelledby="mine-heading" className="review-section">
        <h2 id="mine-heading">My requests</h2>
        <Loaded resource={mine} label="Loading your requests…">
          {(items) => <ReviewList items={items} empty="You have no change requests here." />}
        </Loaded>
      </section>
      <section aria-labelledby="bypass-heading" className="review-section">
        <h2 id="bypass-heading">Break-glass changes awaiting acknowledgement</h2>
        <p className="hint">
          Written past required approval with a reason; a review acknowledges each one (or flags it as an incident).
        </p>
        <Loaded resource={bypasses} label="Loading break-glass changes…">
          {(items) => <ReviewList items={items} empty="No break-glass change awaits acknowledgement." />}
        </Loaded>
      </section>
    </>
  );
}

/** State, project and environment; every change replaces the URL's query, so links keep the filters. */
function Filters({ filters }: { filters: ReviewFilters }) {
  const projects = useResource(async (signal) => (await request(api.GET('/api/v1/projects', { signal }))).items, []);
  const set = (change: Partial<ReviewFilters>) => {
    const next = { ...filters, ...change };
    // Environments belong to a project: a new project clears the environment.
    if (change.project !== undefined && change.project !== filters.project) next.environment = undefined;
    navigate(paths.myReviews() + filtersQuery(next), { replace: true });
  };
  const environments =
    projects.status === 'ok' ? (projects.data.find((p) => p.key === filters.project)?.environments ?? []) : [];
  return (
    <form className="review-filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        State
        <select
          value={filters.state ?? ''}
          onChange={(e) => set({ state: (e.target.value || undefined) as ReviewFilters['state'] })}
        >
          <option value="">Any</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Project
        <select value={filters.project ?? ''} onChange={(e) => set({ project: e.target.value || undefined })}>
          <option value="">Any</option>
          {projects.status === 'ok' &&
            projects.data.map((p) => (
              <option key={p.key} value={p.key}>
                {p.name}
              </option>
            ))}
        </select>
      </label>
      <label>
        Environment
        <select
          value={filters.environment ?? ''}
          disabled={!filters.project}
          onChange={(e) => set({ environment: e.target.value || undefined })}
        >
          <option value="">Any</option>
          {environments.map((env) => (
            <option key={env.key} value={env.key}>
              {env.name}
            </option>
          ))}
        </select>
      </label>
      {(filters.state || filters.project) && (
        <button type="button" onClick={() => navigate(paths.myReviews(), { replace: true })}>
          Clear filters
        </button>
      )}
    </form>
  );
}
