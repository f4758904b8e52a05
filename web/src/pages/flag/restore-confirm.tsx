import { useEffect, useId, useRef, useState } from 'react';
import { asApiError, type ApiError } from '../../api/problem';
import { useResource } from '../../api/use-resource';
import { ErrorPanel } from '../../components/error-panel';
import { Loaded } from '../../components/loading';
import { restoreVersion, type FlagRef, type RestoreResult } from './flag-api';

/**
 * The inline confirmation before restoring a version: a dry run shows what would change and whether
 * the environment's approval settings turn the restore into a change request; a comment goes with it
 * (the audit comment, or the change request's description).
 */
export function RestoreConfirm({
  flagRef,
  version,
  environmentName,
  onDone,
  onCancel,
}: {
  flagRef: FlagRef;
  version: number;
  environmentName: string;
  onDone: (result: RestoreResult) => void;
  onCancel: () => void;
}) {
  const titleId = useId();
  const commentId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [comment, setComment] = useState(`Restore to version ${version}`);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const { projectKey, flagKey, envKey } = flagRef;
  const preview = useResource(
    (signal) => restoreVersion(flagRef, version, { dryRun: true }, signal),
    [projectKey, flagKey, envKey, version],
  );
  useEffect(() => heading.current?.focus(), []);

  const confirm = async () => {
    setSending(true);
    setError(null);
    try {
      onDone(await restoreVersion(flagRef, version, { comment: comment.trim() || undefined }));
    } catch (e) {
      setError(asApiError(e));
      setSending(false);
    }
  };

  return (
    <section className="restore-confirm" aria-labelledby={titleId}>
      <h3 id={titleId} ref={heading} tabIndex={-1}>
        Restore version {version} in {environmentName}?
      </h3>
      <Loaded resource={preview} label="Working out what would change…">
        {(dry) => {
          const gated = dry.approvalReasons.length > 0;
          if (dry.diff.length === 0)
            return (
              <>
                <p>
                  The configuration in {environmentName} already is version {version}&apos;s: nothing would change.
                </p>
                <button type="button" onClick={onCancel}>
                  Close
                </button>
              </>
            );
          return (
            <>
              <p>
                {gated
                  ? `Changes in ${environmentName} need approval (${dry.approvalReasons.join('; ')}): ` +
                    'a change request will be opened for review.'
                  : `This writes a new version in ${environmentName} at once.`}
              </p>
              <p className="hint">What would change from the current version {dry.baseVersion}:</p>
              <ul className="difference-list">
                {dry.diff.map((d, i) => (
                  <li key={i}>{d.summary}</li>
                ))}
              </ul>
              <label htmlFor={commentId}>{gated ? 'Description of the change request' : 'Comment'}</label>
              <textarea
                id={commentId}
                value={comment}
                maxLength={4096}
                rows={2}
                onChange={(e) => setComment(e.target.value)}
              />
              {error && <ErrorPanel error={error} />}
              <div className="button-row">
                <button type="button" className="primary" disabled={sending} onClick={() => void confirm()}>
                  {gated ? 'Open change request' : 'Restore now'}
                </button>
                <button type="button" onClick={onCancel} disabled={sending}>
                  Cancel
                </button>
              </div>
            </>
          );
        }}
      </Loaded>
      {preview.status === 'error' && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </section>
  );
}
