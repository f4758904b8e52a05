import { useEffect, useState } from 'react';
import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import { Link, navigate, useLocation } from '../../router/router';
import { paths } from '../../router/paths';
import type { PageProps } from '../../router/routes';
import { withoutPair } from './compare-in-url';
import { DeploymentTimeline } from './deployment-timeline';
import { EnvironmentSummary } from './environment-summary';
import { EnvironmentSwitcher } from './environment-switcher';
import { loadFlagAndEnvironments, type Environment, type Flag, type RestoreResult } from './flag-api';
import { FlagHeader } from './flag-header';
import './flag-page.css';
import { RestoreOutcome } from './restore-outcome';
import { VersionHistory } from './version-history';

/**
 * A flag: its definition, then one environment at a time (chosen in the URL as ?env=key): the
 * targeting now, the version history, comparing any two versions and restoring one (a change request
 * where the environment is gated by approval), and the deploys of the services the flag links to.
 */
export function FlagPage({ params }: PageProps) {
  const { projectKey, flagKey } = params;
  const data = useResource((signal) => loadFlagAndEnvironments(projectKey, flagKey, signal), [projectKey, flagKey]);
  return (
    <>
      <p className="breadcrumb">
        <Link to={paths.flags(projectKey)}>Flags of {projectKey}</Link>
      </p>
      <Loaded resource={data} label="Loading the flag…">
        {({ flag, environments }) => <FlagDetails projectKey={projectKey} flag={flag} environments={environments} />}
      </Loaded>
    </>
  );
}

function FlagDetails({
  projectKey,
  flag,
  environments,
}: {
  projectKey: string;
  flag: Flag;
  environments: Environment[];
}) {
  const location = useLocation();
  const asked = location.search.get('env');
  const environment = environments.find((e) => e.key === asked) ?? environments[0];
  const [generation, setGeneration] = useState(0);
  const [outcome, setOutcome] = useState<RestoreResult | null>(null);
  useEffect(() => setOutcome(null), [environment?.key]);

  const select = (key: string) => {
    const search = withoutPair(location.search);
    search.set('env', key);
    // Replace: arrowing through the select should not leave a history entry per environment.
    navigate(`${paths.flag(projectKey, flag.key)}?${search.toString()}`, { replace: true });
  };

  if (!environment)
    return (
      <>
        <FlagHeader flag={flag} />
        <p>This project has no environments yet.</p>
      </>
    );
  const flagRef = { projectKey, flagKey: flag.key, envKey: environment.key };
  return (
    <>
      <FlagHeader flag={flag} />
      <EnvironmentSwitcher environments={environments} selected={environment.key} onSelect={select} />
      {asked !== null && asked !== environment.key && (
        <p className="hint" role="note">
          There is no environment <code>{asked}</code> in this project; showing {environment.name}.
        </p>
      )}
      {outcome && (
        <RestoreOutcome
          result={outcome}
          envKey={environment.key}
          environmentName={environment.name}
          onDismiss={() => setOutcome(null)}
        />
      )}
      <div className="flag-environment">
        <EnvironmentSummary flagRef={flagRef} environment={environment} generation={generation} />
        <VersionHistory
          key={environment.key}
          flagRef={flagRef}
          environmentName={environment.name}
          generation={generation}
          onRestored={(result) => {
            setOutcome(result);
            if (result.status === 'committed' || result.status === 'pending') setGeneration((g) => g + 1);
          }}
        />
        <DeploymentTimeline flagRef={flagRef} flag={flag} environmentName={environment.name} />
      </div>
    </>
  );
}
