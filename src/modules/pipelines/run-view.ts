import type { Variation } from '../../core/model/flag-config';
import type { PipelineRun } from './pipeline-records';

export const runView = (r: PipelineRun) => ({
  id: r.id,
  planKey: r.pipelineKey,
  pipelineKey: r.pipelineKey,
  planVersion: r.planVersion,
  flagKey: r.flagKey,
  variationId: r.variationId,
  createdBy: r.createdBy,
  status: r.status,
  currentPhase: r.currentPhase,
  phases: r.phases,
  audiences: r.audiences,
  history: r.history,
  lastProgressAt: r.lastProgressAt.toISOString(),
  expireAfterMs: r.expireAfterMs,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** The run with the variation it releases named (value, and name when it has one). */
export function namedRunView(run: PipelineRun, variations: readonly Variation[]) {
  const v = variations.find((x) => x._id === run.variationId);
  return { ...runView(run), variation: v ? { value: v.value, ...(v.name ? { name: v.name } : {}) } : null };
}

/**
 * The run as a caller who may view only `visible` environments sees it (read access as narrow as
 * write access): phases elsewhere are left out, and so are the parts of history notes about them
 * (the runner writes one `<environment key>: <status>` part per phase that moved).
 */
export function visibleRunView(run: PipelineRun, visible: ReadonlySet<string>, variations: readonly Variation[]) {
  const view = namedRunView(run, variations);
  const hidden = view.audiences.filter((a) => !visible.has(a.environmentKey)).map((a) => `${a.environmentKey}: `);
  const keep = (part: string) => !hidden.some((prefix) => part.startsWith(prefix));
  return {
    ...view,
    phases: view.phases.filter((p) => visible.has(p.environmentKey)),
    audiences: view.audiences.filter((a) => visible.has(a.environmentKey)),
    history: view.history.map((h) => ({ ...h, note: h.note.split('; ').filter(keep).join('; ') })),
  };
}
