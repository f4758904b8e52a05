import { useEffect, useId, useRef, useState } from 'react';
import type { components } from '../../../../openapi/schema';
import { api, request } from '../../api/client';
import { asApiError, type ApiError } from '../../api/problem';
import { ErrorPanel } from '../../components/error-panel';

type Verification = components['schemas']['VerificationDto'];
const POLL_MS = 400;
const DONE = new Set(['completed', 'failed']);
const MAX_POLL_FAILURES = 3;

/**
 * "Verify chain": the worker recomputes the audit log's hash chain as a job; this polls its progress
 * (entries checked of the total) until it reports the result.
 */
export function VerifyChain() {
  const headingId = useId();
  const [job, setJob] = useState<Verification>();
  const [error, setError] = useState<ApiError>();
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  /** A server or network hiccup while polling is retried a few times before it is shown. */
  const poll = (id: string, failures = 0) => {
    request(api.GET('/api/v1/audit-log/verifications/{id}', { params: { path: { id } } })).then(
      (v) => {
        setJob(v);
        if (!DONE.has(v.state)) timer.current = window.setTimeout(() => poll(id), POLL_MS);
      },
      (e: unknown) => {
        const err = asApiError(e);
        if ((err.status === 0 || err.status >= 500) && failures < MAX_POLL_FAILURES)
          timer.current = window.setTimeout(() => poll(id, failures + 1), POLL_MS * 2);
        else setError(err);
      },
    );
  };
  const start = () => {
    setError(undefined);
    setJob(undefined);
    request(api.POST('/api/v1/audit-log/verifications')).then(
      (v) => {
        setJob(v);
        if (!DONE.has(v.state)) poll(v.id);
      },
      (e: unknown) => setError(asApiError(e)),
    );
  };
  const running = job !== undefined && !DONE.has(job.state);
  return (
    <section aria-labelledby={headingId} className="verify-chain">
      <h2 id={headingId}>Chain verification</h2>
      <p className="hint">Each entry is chained to the one before by its hash; verifying recomputes the whole chain.</p>
      <button type="button" onClick={start} disabled={running}>
        {running ? 'Verifying…' : 'Verify chain'}
      </button>
      <div role="status" aria-live="polite" className="verify-status">
        {job && <Progress job={job} />}
      </div>
      {error && <ErrorPanel error={error} onRetry={start} />}
    </section>
  );
}

function Progress({ job }: { job: Verification }) {
  const total = job.total ?? undefined;
  const result = job.result;
  return (
    <>
      <p>
        <label>
          {total === undefined ? `Checked ${job.checked} entries` : `Checked ${job.checked} of ${total} entries`}{' '}
          <progress value={job.checked} max={total ?? undefined} />
        </label>
      </p>
      {job.state === 'failed' && <p className="verify-broken">Verification failed: {job.error ?? 'the job failed'}</p>}
      {result?.ok && (
        <p className="verify-ok">
          <strong>Chain verified:</strong> all {result.checked} entries intact.
        </p>
      )}
      {result && !result.ok && (
        <p className="verify-broken">
          <strong>Chain broken</strong> at entry <code>{result.firstBrokenId}</code>: {result.reason}
        </p>
      )}
      {!result && job.state !== 'failed' && <p className="hint">State: {job.state}</p>}
    </>
  );
}
