import { useId, useState, type FormEvent } from 'react';
import type { components } from '../../../../openapi/schema';
import { api, request } from '../../api/client';
import { ApiError } from '../../api/problem';
import { useResource } from '../../api/use-resource';
import { Loaded } from '../../components/loading';
import { Link } from '../../router/router';
import { paths } from '../../router/paths';
import { stateLabel } from './release-format';

type Pipeline = components['schemas']['PipelineDto'];
type Run = components['schemas']['PipelineRunDto'];

/** The project's release pipelines, phase by phase, and where a flag's latest run stands in them. */
export function PipelinesSection({ projectKey }: { projectKey: string }) {
  const headingId = useId();
  const pipelines = useResource(
    async (signal) =>
      (
        await request(
          api.GET('/api/v1/projects/{projectKey}/release-pipelines', { params: { path: { projectKey } }, signal }),
        )
      ).items,
    [projectKey],
  );
  return (
    <section aria-labelledby={headingId} className="pipelines">
      <h2 id={headingId}>Release pipelines</h2>
      <Loaded resource={pipelines} label="Loading pipelines…">
        {(items) =>
          items.length === 0 ? (
            <p>This project has no release pipelines.</p>
          ) : (
            <>
              {items.map((p) => (
                <PipelineCard key={p.key} pipeline={p} />
              ))}
              <FlagRun projectKey={projectKey} pipelines={items} />
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function PipelineCard({ pipeline, run, projectKey }: { pipeline: Pipeline; run?: Run; projectKey?: string }) {
  return (
    <article className="pipeline">
      <h3>
        {pipeline.name} <code>{pipeline.key}</code>
      </h3>
      {pipeline.description && <p className="hint">{pipeline.description}</p>}
      <ol className="phases">
        {pipeline.phases.map((phase, i) => (
          <li key={i} className={run && run.currentPhase === i && run.status === 'running' ? 'phase current' : 'phase'}>
            <span className="phase-name">
              Phase {i + 1}: {phase.name}
              {run && run.currentPhase === i && run.status === 'running' && <strong> (in progress)</strong>}
            </span>
            <ul>
              {phase.audiences.map((a) => {
                // Each environment appears once in a plan (a pipeline phase may group several plan phases).
                const state = run?.audiences.find((s) => s.environmentKey === a.environmentKey);
                return (
                  <li key={a.environmentKey}>
                    <code>{a.environmentKey}</code> · {a.strategy.kind}
                    {a.requireApproval && ' · needs approval'}
                    {state && (
                      <>
                        {' · '}
                        <span className={`state state-${state.status}`}>{stateLabel(state.status)}</span>
                        {state.releaseId && run && projectKey && (
                          <>
                            {' · '}
                            <Link to={paths.release(projectKey, run.flagKey, a.environmentKey, state.releaseId)}>
                              release
                            </Link>
                          </>
                        )}
                        {state.error && <span className="hint"> · {state.error}</span>}
                      </>
                    )}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ol>
    </article>
  );
}

/** A flag's latest pipeline run: the same phases, each environment with its state. */
function FlagRun({ projectKey, pipelines }: { projectKey: string; pipelines: Pipeline[] }) {
  const [draft, setDraft] = useState('');
  const [flagKey, setFlagKey] = useState('');
  const run = useResource(
    (signal) =>
      flagKey
        ? request(
            api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
              params: { path: { projectKey, flagKey } },
              signal,
            }),
          ).catch((e: unknown) => {
            // A flag never released through a pipeline is an answer, not an error.
            if (e instanceof ApiError && e.code === 'pipeline/no_run') return null;
            throw e;
          })
        : Promise.resolve(null),
    [projectKey, flagKey],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFlagKey(draft.trim());
  };
  return (
    <div className="flag-run">
      <form onSubmit={submit} className="filters" aria-label="A flag's pipeline run">
        <span className="inline-input">
          <label>
            Flag key of a pipeline run
            <input value={draft} onChange={(e) => setDraft(e.target.value)} />
          </label>
          <button type="submit">Show run</button>
        </span>
      </form>
      {flagKey && (
        <Loaded resource={run} label="Loading the run…">
          {(r) => {
            const pipeline = r && pipelines.find((p) => p.key === r.pipelineKey);
            if (!r || !pipeline) return <p>No pipeline run for this flag.</p>;
            return (
              <>
                <p>
                  Run of <code>{r.flagKey}</code> through <code>{r.pipelineKey}</code>:{' '}
                  <span className={`state state-${r.status}`}>{stateLabel(r.status)}</span>
                </p>
                <PipelineCard pipeline={pipeline} run={r} projectKey={projectKey} />
              </>
            );
          }}
        </Loaded>
      )}
    </div>
  );
}
