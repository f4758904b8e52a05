import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import { TargetingView } from '../../components/targeting/targeting-view';
import { Link } from '../../router/router';
import { paths } from '../../router/paths';
import {
  loadApprovalSettings,
  loadFlag,
  loadOpenChangeRequests,
  type ApprovalSettings,
  type ChangeRequest,
  type Environment,
  type FlagRef,
} from './flag-api';

/**
 * The flag in the selected environment as it is now: on/off and the version, whether changes there
 * need approval, open change requests for the flag there, and the targeting read view.
 * `generation` changes after a restore so the state is read again.
 */
export function EnvironmentSummary({
  flagRef,
  environment,
  generation,
}: {
  flagRef: FlagRef;
  environment: Environment;
  generation: number;
}) {
  const { projectKey, flagKey, envKey } = flagRef;
  const state = useResource(
    async (signal) => {
      const [flag, approval, openRequests] = await Promise.all([
        loadFlag(projectKey, flagKey, signal),
        loadApprovalSettings(projectKey, envKey, signal),
        loadOpenChangeRequests(flagRef, signal),
      ]);
      return { flag, approval, openRequests };
    },
    [projectKey, flagKey, envKey, generation],
  );
  return (
    <section className="environment-summary" aria-labelledby="environment-state">
      <h2 id="environment-state">In {environment.name}</h2>
      <Loaded resource={state} label={`Loading the flag in ${environment.name}…`}>
        {({ flag, approval, openRequests }) => {
          const config = flag.environments[envKey];
          if (!config) return <p>This flag has no configuration in {environment.name}.</p>;
          return (
            <>
              <dl className="facts">
                <div>
                  <dt>State</dt>
                  <dd>
                    <span className={config.on ? 'state-on' : 'state-off'}>{config.on ? 'On' : 'Off'}</span>
                  </dd>
                </div>
                <div>
                  <dt>Current version</dt>
                  <dd data-testid="current-version">{config.version}</dd>
                </div>
                <div>
                  <dt>Approval</dt>
                  <dd>{approvalText(approval)}</dd>
                </div>
                <div>
                  <dt>Releases</dt>
                  <dd>
                    <Link to={paths.releases(projectKey)}>Releases of this project</Link>
                  </dd>
                </div>
              </dl>
              <OpenRequests requests={openRequests} environmentName={environment.name} />
              <h3 className="flag-section-title">Targeting</h3>
              <TargetingView state={{ flag, environment: config }} />
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

function approvalText(approval: ApprovalSettings | null): string {
  if (!approval) return 'Not known (you may not read the approval settings)';
  if (!approval.required) return 'Not required: changes apply directly';
  const n = approval.minApprovals;
  return `Required: ${n} approval${n === 1 ? '' : 's'} before a change applies`;
}

function OpenRequests({ requests, environmentName }: { requests: ChangeRequest[]; environmentName: string }) {
  return (
    <div className="open-requests">
      <h3 className="flag-section-title">Open change requests</h3>
      {requests.length === 0 ? (
        <p className="hint">None for this flag in {environmentName}.</p>
      ) : (
        <ul className="plain-list">
          {requests.map((cr) => (
            <li key={cr.id}>
              <Link to={paths.changeRequest(cr.id)}>{cr.description || 'Change request'}</Link>{' '}
              <span className="hint">
                {cr.status} · by {cr.requester.name} · {new Date(cr.createdAt).toLocaleString()}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
