/**
 * One change request, for an approver coming from a notification link (/ui/change-requests/:id):
 * what it is, what changes (the flag's targeting before and after), whom it moves (the impact
 * preview), the reviews, the actions the API allows this caller, and the audit trail.
 */
import { useState } from 'react';
import type { components } from '../../../../openapi/schema';
import { api, request } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import { ago } from '../../components/targeting/format';
import type { Segment } from '../../components/targeting/segment-rows';
import { SegmentCompare, TargetingCompare, type FlagSide } from '../../components/targeting/targeting-view';
import type { PageProps } from '../../router/routes';
import { reviewsChanged } from '../../shell/awaiting-count';
import { requestTitle } from '../my-reviews/review-list';
import { AuditTrail } from './audit-trail';
import { ImpactPreview } from './impact-preview';
import { RequestActions } from './request-actions';
import { ReviewThread } from './review-thread';
import { SuppliedContexts } from './supplied-contexts';
import './change-request.css';

type Detail = components['schemas']['ChangeRequestDetailDto'];
type Diff = components['schemas']['ChangeRequestDiffDto'];

export function ChangeRequestPage({ params }: PageProps) {
  const { id } = params;
  // Bumped after an action: everything on the page is read again, so it shows the new state.
  const [generation, setGeneration] = useState(0);
  const [done, setDone] = useState<string>();
  const cr = useResource(
    (signal) => request(api.GET('/api/v1/change-requests/{id}', { params: { path: { id } }, signal })),
    [id, generation],
  );
  const onDone = (what: string) => {
    setDone(what);
    setGeneration((g) => g + 1);
    reviewsChanged();
  };
  return (
    <>
      <h1>Change request</h1>
      <Loaded resource={cr} label="Loading the change request…">
        {(data) => <RequestView cr={data} generation={generation} done={done} onDone={onDone} />}
      </Loaded>
    </>
  );
}

function RequestView({
  cr,
  generation,
  done,
  onDone,
}: {
  cr: Detail;
  generation: number;
  done?: string;
  onDone: (what: string) => void;
}) {
  const diff = useResource(
    (signal) => request(api.GET('/api/v1/change-requests/{id}/diff', { params: { path: { id: cr.id } }, signal })),
    [cr.id, generation],
  );
  const impact = useResource(
    (signal) => request(api.GET('/api/v1/change-requests/{id}/impact', { params: { path: { id: cr.id } }, signal })),
    [cr.id, generation],
  );
  const after = diff.status === 'ok' ? ((diff.data.after ?? diff.data.before) as FlagSide | null) : null;
  return (
    <>
      <p className="request-title">{requestTitle(cr)}</p>
      <p role="status" className="action-done">
        {done && `${done}. The request is now ${cr.status}.`}
      </p>
      <dl className="request-facts">
        <div>
          <dt>State</dt>
          <dd>
            <span className={`state state-${cr.status}`}>{cr.status}</span>
          </dd>
        </div>
        <div>
          <dt>Resource</dt>
          <dd>
            {cr.resourceKind} <code>{cr.resourceKey}</code>
          </dd>
        </div>
        <div>
          <dt>Project / environment</dt>
          <dd>
            <code>{cr.projectKey}</code> / <code>{cr.environmentKey}</code>
          </dd>
        </div>
        <div>
          <dt>Requested by</dt>
          <dd>
            {cr.requester.name}{' '}
            <time dateTime={cr.createdAt} title={new Date(cr.createdAt).toLocaleString()}>
              {ago(cr.createdAt)}
            </time>
          </dd>
        </div>
        <div>
          <dt>Approvals</dt>
          <dd>
            {cr.approvals.approvers.length} of {cr.approvalsRequired}
            {cr.approvals.approvedBy.length > 0 && ` (${cr.approvals.approvedBy.map((a) => a.name).join(', ')})`}
          </dd>
        </div>
        {cr.executionDate && (
          <div>
            <dt>Applies at</dt>
            <dd>{new Date(cr.executionDate).toLocaleString()}</dd>
          </div>
        )}
      </dl>
      {cr.description.includes('\n') && <p className="description">{cr.description}</p>}
      {cr.approvalReasons.length > 0 && (
        <p className="hint">Approval required because: {cr.approvalReasons.join('; ')}</p>
      )}
      {cr.warnings.map((w, i) => (
        <p key={i} className="marker marker-warning">
          Guardrail warning ({w.policy}): {w.message}
        </p>
      ))}
      {cr.actions.rebase.allowed && (
        <p className="marker marker-conflict">
          Stale: the {cr.resourceKind} changed since version {cr.baseVersion}, which this request was written against;
          rebase it (its reviews reset) before it can be applied.
        </p>
      )}
      {cr.failure && (
        <p className="marker marker-conflict">
          The automatic apply failed: {cr.failure.message} <code>{cr.failure.code}</code>
        </p>
      )}

      <section aria-labelledby="changes-heading">
        <h2 id="changes-heading">What changes</h2>
        <Loaded resource={diff} label="Loading the change…">
          {(d) => <Changes kind={cr.resourceKind} diff={d} />}
        </Loaded>
      </section>

      <section aria-labelledby="impact-heading">
        <h2 id="impact-heading">Impact</h2>
        <Loaded resource={impact} label="Evaluating recently seen contexts…">
          {(i) => (
            <ImpactPreview
              impact={i}
              flagKey={cr.resourceKind === 'flag' ? cr.resourceKey : undefined}
              variations={cr.resourceKind === 'flag' ? after?.flag.variations : undefined}
            />
          )}
        </Loaded>
        <SuppliedContexts
          id={cr.id}
          flagKey={cr.resourceKind === 'flag' ? cr.resourceKey : undefined}
          variations={cr.resourceKind === 'flag' ? after?.flag.variations : undefined}
        />
      </section>

      <RequestActions cr={cr} onDone={onDone} />

      <section aria-labelledby="thread-heading">
        <h2 id="thread-heading">Reviews and comments</h2>
        <ReviewThread cr={cr} />
      </section>

      <section aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit trail</h2>
        <AuditTrail id={cr.id} generation={generation} />
      </section>
    </>
  );
}

/** A flag's targeting or a segment side by side, marked where they differ; an environment's settings whole. */
function Changes({ kind, diff }: { kind: string; diff: Diff }) {
  return (
    <>
      {diff.changes.length > 0 && (
        <ul className="change-summary">
          {diff.changes.map((c, i) => (
            <li key={i}>{c.summary}</li>
          ))}
        </ul>
      )}
      {kind === 'flag' ? (
        <TargetingCompare before={diff.before as FlagSide | null} after={diff.after as FlagSide | null} />
      ) : kind === 'segment' ? (
        <SegmentCompare before={diff.before as Segment | null} after={diff.after as Segment | null} />
      ) : (
        // An environment's own settings and protection: few fields, shown whole.
        <div className="targeting-compare">
          <section aria-label="Before">
            <h3>Before</h3>
            <pre className="config-json">
              {diff.before === null ? 'Not kept.' : JSON.stringify(diff.before, null, 2)}
            </pre>
          </section>
          <section aria-label="After">
            <h3>After</h3>
            <pre className="config-json">{diff.after === null ? 'Not kept.' : JSON.stringify(diff.after, null, 2)}</pre>
          </section>
        </div>
      )}
    </>
  );
}
