import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import { DEPLOYMENTS_SHOWN, loadDeployments, type Deployment, type Flag, type FlagRef } from './flag-api';

/** Services a flag links to: its `services` list and its `service.<name>` tags (as the API matches them). */
export function linkedServices(flag: Pick<Flag, 'services' | 'tags'>): string[] {
  const fromTags = flag.tags.filter((t) => t.startsWith('service.')).map((t) => t.slice('service.'.length));
  return [...new Set([...(flag.services ?? []), ...fromTags].filter((s) => s !== ''))].sort();
}

/**
 * The deploys that concern the flag in the selected environment: the latest deploy signals from CI
 * for the services it links to, newest first, so a change in behaviour can be matched with a deploy.
 */
export function DeploymentTimeline({
  flagRef,
  flag,
  environmentName,
}: {
  flagRef: FlagRef;
  flag: Flag;
  environmentName: string;
}) {
  const services = linkedServices(flag);
  const deployments = useResource(
    (signal) => (services.length ? loadDeployments(flagRef, signal) : Promise.resolve([])),
    [flagRef.projectKey, flagRef.flagKey, flagRef.envKey, services.join(',')],
  );
  return (
    <section className="deployment-timeline" aria-labelledby="deployments-title">
      <h2 id="deployments-title">Deployments in {environmentName}</h2>
      {services.length === 0 ? (
        <p className="hint">
          Linked to no service: deploys show here once the flag lists services (<code>setServices</code>) or has a tag{' '}
          <code>service.&lt;name&gt;</code>.
        </p>
      ) : (
        <>
          <p className="hint">Services: {services.join(', ')}</p>
          <Loaded resource={deployments} label="Loading the deployments…">
            {(items) =>
              items.length === 0 ? (
                <p>No deployments of these services recorded in {environmentName}.</p>
              ) : (
                <>
                  <ol className="deployment-list">
                    {items.map((d) => (
                      <DeploymentLine key={d.id} deployment={d} />
                    ))}
                  </ol>
                  {items.length === DEPLOYMENTS_SHOWN && (
                    <p className="hint">The latest {DEPLOYMENTS_SHOWN} are shown.</p>
                  )}
                </>
              )
            }
          </Loaded>
        </>
      )}
    </section>
  );
}

function DeploymentLine({ deployment: d }: { deployment: Deployment }) {
  return (
    <li className="deployment-item">
      <strong>
        {d.service} {d.version}
      </strong>{' '}
      · <time dateTime={d.createdAt}>{new Date(d.createdAt).toLocaleString()}</time> · by {d.actor.name}
      {d.commitSha && (
        <>
          {' '}
          · commit <code title={d.commitSha}>{d.commitSha.slice(0, 12)}</code>
        </>
      )}
      {d.url && (
        <>
          {' '}
          ·{' '}
          <a href={d.url} rel="noopener noreferrer" target="_blank">
            CI run
          </a>
        </>
      )}
    </li>
  );
}
