import { useEffect, useRef } from 'react';
import { Link } from '../../router/router';
import { paths } from '../../router/paths';
import type { RestoreResult } from './flag-api';

/**
 * What a restore did, announced (role=status) and focused: the change request it opened (with a link
 * to it), the new version it wrote, or that nothing needed writing.
 */
export function RestoreOutcome({
  result,
  envKey,
  environmentName,
  onDismiss,
}: {
  result: RestoreResult;
  envKey: string;
  environmentName: string;
  onDismiss: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), [result]);
  return (
    <div className="restore-outcome" role="status" tabIndex={-1} ref={box}>
      <p>
        <OutcomeText result={result} envKey={envKey} environmentName={environmentName} />
      </p>
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

function OutcomeText({
  result,
  envKey,
  environmentName,
}: {
  result: RestoreResult;
  envKey: string;
  environmentName: string;
}) {
  const v = result.version;
  switch (result.status) {
    case 'pending':
      return result.changeRequest ? (
        <>
          A change request to restore version {v} in {environmentName} was opened; it needs approval before it applies.{' '}
          <Link to={paths.changeRequest(result.changeRequest.id)}>Open the change request</Link>
        </>
      ) : (
        <>A change request to restore version {v} was opened.</>
      );
    case 'committed': {
      const now = result.flag?.environments[envKey]?.version;
      return (
        <>
          Restored version {v} in {environmentName}
          {now !== undefined ? `: the configuration is now version ${now}.` : '.'}
        </>
      );
    }
    case 'unchanged':
      return (
        <>
          {environmentName} already has version {v}&apos;s configuration: nothing was written.
        </>
      );
    default:
      return <>Nothing was written (a dry run).</>;
  }
}
