/** Plans and apply reports for people: one block per write, one line per instruction, a summary. */
import type { PlanStep, ReconcileResult } from '../../core/config-as-code';
import type { Output } from '../output';

const MODE_TEXT: Record<PlanStep['mode'], string> = {
  direct: 'direct write',
  changeRequest: 'change request',
  awaiting: 'change request already open',
  blocked: 'blocked',
};

export function stepTitle(step: PlanStep): string {
  const where = step.environment ?? 'all environments';
  const what =
    step.phase === 'create'
      ? 'create'
      : step.phase === 'archive'
        ? 'archive'
        : step.phase === 'removeVariations'
          ? 'remove variations'
          : 'update';
  return `${step.resource} ${step.key} · ${where} · ${what}`;
}

export function renderStep(out: Output, step: PlanStep, status?: string): void {
  const mode =
    step.phase === 'create'
      ? 'create'
      : `${MODE_TEXT[step.mode]}${step.baseVersion !== undefined ? ` at version ${step.baseVersion}` : ''}`;
  const cr = step.changeRequest ? ` ${step.changeRequest.id} (${step.changeRequest.status})` : '';
  out.line(`${out.bold(stepTitle(step))}: ${mode}${cr}${status ? ` ${out.dim(`[${status}]`)}` : ''}`);
  if (step.create) out.line(`    ${out.green('+')} ${JSON.stringify(step.create)}`);
  for (const instruction of step.instructions) out.line(`    ${out.yellow('~')} ${JSON.stringify(instruction)}`);
  for (const reason of step.approvalReasons) out.line(`    ${out.dim(`needs approval: ${reason}`)}`);
  if (step.note) out.line(`    ${out.red(step.note)}`);
}

export function summary(steps: PlanStep[]): string {
  const count = (mode: PlanStep['mode']) => steps.filter((s) => s.mode === mode && s.phase !== 'create').length;
  const creates = steps.filter((s) => s.phase === 'create').length;
  const parts = [
    [creates, 'to create'],
    [count('direct'), 'direct write(s)'],
    [count('changeRequest'), 'change request(s) to open'],
    [count('awaiting'), 'change request(s) awaiting review'],
    [count('blocked'), 'blocked'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, text]) => `${n} ${text}`)
    .join(', ');
}

export function renderPlan(out: Output, project: string, result: ReconcileResult): void {
  if (!result.steps.length) {
    out.line(`No changes: project ${project} matches the file.`);
  } else {
    out.line(`Plan for project ${project}: ${summary(result.steps)}`);
    out.line();
    for (const step of result.steps) renderStep(out, step);
  }
  for (const warning of result.warnings) out.note(`warning: ${warning}`);
}

/** The JSON form of a step (stable field names for scripts). */
export function stepJson(step: PlanStep) {
  return {
    resource: step.resource,
    key: step.key,
    environment: step.environment ?? null,
    phase: step.phase,
    mode: step.mode,
    baseVersion: step.baseVersion ?? null,
    instructions: step.instructions,
    approvalReasons: step.approvalReasons,
    ...(step.create ? { create: step.create } : {}),
    ...(step.changeRequest ? { changeRequest: step.changeRequest } : {}),
    ...(step.note ? { note: step.note } : {}),
  };
}
