/**
 * The one walk behind `plan`, `apply` and `promote`: for each segment and flag in the file, what to
 * create and which instructions to write where, and whether each write goes directly or as a
 * change request (the environment's effective approval settings through core/approval's gate,
 * over a simulation of the change). The writer decides what "doing" a step means: the plan's
 * writer plays it on a copy of the state (core/patch), apply's writer calls the API and hands back
 * the state the server answered with — so later steps are computed from what really is, and a
 * direct write carries the version its instructions were computed against (If-Match).
 *
 * Order: segments (flags' rules may name them), missing flags, then per flag: its flag-level write,
 * each environment's targeting, the removal of variations no longer used; last, with `prune`,
 * archiving flags the file no longer lists.
 */
import type { ApprovalSettings } from '../approval/approval-settings';
import type { SegmentConfig } from '../model/flag-config';
import { deepEqual } from '../patch/json-value';
import type { ConfigFile, FlagSpec, SegmentSpec } from './config-file';
import {
  environmentInstructions,
  flagLevelInstructions,
  flagWarnings,
  variationRemovals,
  type Instruction,
} from './diff-flag';
import { segmentInstructions } from './diff-segment';
import type { LiveFlag, LiveProject } from './live-model';
import type { ConfigProblem } from './schema-check';
import { flagGateReasons, segmentGateReasons, simulateFlag, simulateSegment, type World } from './simulate';

export type StepMode = 'direct' | 'changeRequest' | 'awaiting' | 'blocked';

export interface PlanStep {
  resource: 'flag' | 'segment';
  key: string;
  /** Absent: a flag-level write (all environments). */
  environment?: string;
  phase: 'create' | 'update' | 'removeVariations' | 'archive';
  instructions: Instruction[];
  /** direct write, a new change request, one already open with these instructions, or impossible here. */
  mode: StepMode;
  approvalReasons: string[];
  /** The version the instructions were computed against (If-Match, a change request's base). */
  baseVersion?: number;
  /** The body of a create step. */
  create?: Record<string, unknown>;
  changeRequest?: { id: string; status: string };
  note?: string;
}

export interface OpenChangeRequest {
  id: string;
  status: string;
  resourceKind: string;
  resourceKey: string;
  environmentKey: string;
  instructions: unknown[];
}

export interface ReconcileOptions {
  /** Only these environments (flag targeting and segments); all when absent. */
  environments?: string[];
  /** Archive live flags the file does not list. */
  prune?: boolean;
  /** Promote: leave existing flags' project-level settings alone (only create missing flags). */
  targetingOnly?: boolean;
}

export interface Writer {
  createFlag(step: PlanStep, spec: FlagSpec): Promise<LiveFlag>;
  createSegment(step: PlanStep, spec: SegmentSpec): Promise<SegmentConfig>;
  patchFlag(step: PlanStep, simulated: LiveFlag): Promise<LiveFlag>;
  patchSegment(step: PlanStep, simulated: SegmentConfig): Promise<SegmentConfig>;
  /** The request opened (undefined when only planning). */
  openChangeRequest(step: PlanStep): Promise<{ id: string; status: string } | undefined>;
}

export interface ReconcileInput {
  file: ConfigFile;
  live: LiveProject;
  openChangeRequests: OpenChangeRequest[];
}

export interface ReconcileResult {
  steps: PlanStep[];
  problems: ConfigProblem[];
  warnings: string[];
}

/** Raised by a writer; the result so far travels with it, so a partial apply is reported exactly. */
export class ReconcileFailure extends Error {
  constructor(
    readonly step: PlanStep,
    readonly error: unknown,
    readonly done: PlanStep[],
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

export async function reconcile(
  input: ReconcileInput,
  writer: Writer,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const run = new Reconciliation(input, writer, options);
  run.checkEnvironments();
  if (run.problems.length) return run.result();
  await run.segments();
  await run.flags();
  return run.result();
}

class Reconciliation {
  readonly steps: PlanStep[] = [];
  readonly problems: ConfigProblem[] = [];
  readonly warnings: string[] = [];
  private readonly flagState = new Map<string, LiveFlag>();
  private readonly segmentState = new Map<string, Map<string, SegmentConfig>>();
  private readonly settings = new Map<string, ApprovalSettings>();
  readonly world: World;

  constructor(
    private readonly input: ReconcileInput,
    private readonly writer: Writer,
    private readonly options: ReconcileOptions,
  ) {
    for (const f of input.live.flags) this.flagState.set(f.flag.key, f);
    for (const e of input.live.environments) {
      this.settings.set(e.key, e.approval);
      this.segmentState.set(
        e.key,
        new Map((input.live.segments[e.key] ?? []).filter((s) => !s.deleted).map((s) => [s.key, s])),
      );
    }
    this.world = {
      flag: (key) => this.flagState.get(key),
      segmentExists: (env, key) => this.segmentState.get(env)?.has(key) ?? false,
    };
  }

  result(): ReconcileResult {
    return { steps: this.steps, problems: this.problems, warnings: this.warnings };
  }

  private wanted(env: string): boolean {
    return !this.options.environments || this.options.environments.includes(env);
  }

  checkEnvironments(): void {
    const known = new Set(this.input.live.environments.map((e) => e.key));
    const unknown = (env: string) => `environment '${env}' does not exist in project '${this.input.live.key}'`;
    for (const env of Object.keys(this.input.file.segments ?? {}))
      if (!known.has(env)) this.problems.push({ field: `segments.${env}`, reason: unknown(env) });
    this.input.file.flags.forEach((flag, i) => {
      for (const env of Object.keys(flag.environments ?? {}))
        if (!known.has(env)) this.problems.push({ field: `flags[${i}].environments.${env}`, reason: unknown(env) });
    });
    for (const env of this.options.environments ?? [])
      if (!known.has(env)) this.problems.push({ field: '--env', reason: unknown(env) });
  }

  async segments(): Promise<void> {
    const file = this.input.file.segments ?? {};
    for (const env of Object.keys(file).sort()) {
      if (!this.wanted(env)) continue;
      // All missing segments first: one segment's rules may name another listed after it.
      for (const spec of file[env]) await this.createSegment(env, spec);
      for (const [i, spec] of file[env].entries()) await this.segment(env, spec, `segments.${env}[${i}]`);
    }
  }

  private async createSegment(env: string, spec: SegmentSpec): Promise<void> {
    const state = this.segmentState.get(env)!;
    if (state.has(spec.key)) return;
    const step: PlanStep = {
      resource: 'segment',
      key: spec.key,
      environment: env,
      phase: 'create',
      instructions: [],
      mode: 'direct',
      approvalReasons: [],
    };
    state.set(spec.key, await this.do(step, () => this.writer.createSegment(step, spec)));
  }

  private async segment(env: string, spec: SegmentSpec, path: string): Promise<void> {
    const state = this.segmentState.get(env)!;
    const live = state.get(spec.key)!;
    const instructions = segmentInstructions(live, spec);
    if (!instructions.length) return;
    let after: SegmentConfig;
    try {
      after = simulateSegment(this.world, env, live, instructions);
    } catch (error) {
      this.problems.push(...patchProblems(path, instructions, error));
      return;
    }
    const step = this.gated(
      {
        resource: 'segment',
        key: spec.key,
        environment: env,
        phase: 'update',
        instructions,
        baseVersion: live.version,
      },
      segmentGateReasons(this.settings.get(env)!, live, after),
    );
    if (step.mode === 'direct') state.set(spec.key, await this.do(step, () => this.writer.patchSegment(step, after)));
    else await this.request(step);
  }

  async flags(): Promise<void> {
    const file = this.input.file.flags;
    const created = new Set<string>();
    for (const spec of file) {
      if (this.flagState.has(spec.key)) continue;
      const step: PlanStep = {
        resource: 'flag',
        key: spec.key,
        phase: 'create',
        instructions: [],
        mode: 'direct',
        approvalReasons: [],
      };
      const live = await this.do(step, () => this.writer.createFlag(step, spec));
      this.flagState.set(spec.key, live);
      created.add(spec.key);
    }
    for (const [i, spec] of file.entries()) await this.flag(spec, `flags[${i}]`, created.has(spec.key));
    if (this.options.prune) {
      const listed = new Set(file.map((f) => f.key));
      for (const live of this.input.live.flags) {
        if (listed.has(live.flag.key) || live.flag.archived) continue;
        await this.flagLevel(
          this.flagState.get(live.flag.key)!,
          [{ kind: 'archiveFlag' }],
          'archive',
          `flag '${live.flag.key}'`,
        );
      }
    }
  }

  private async flag(spec: FlagSpec, path: string, created: boolean): Promise<void> {
    const key = spec.key;
    const metadata = !this.options.targetingOnly || created;
    if (metadata) {
      this.warnings.push(...flagWarnings(this.flagState.get(key)!.flag, spec));
      const instructions = flagLevelInstructions(this.flagState.get(key)!.flag, spec);
      if (instructions.length && !(await this.flagLevel(this.flagState.get(key)!, instructions, 'update', path))) {
        this.warnings.push(`flag '${key}': its targeting is planned once the flag-level change is applied`);
        return;
      }
    }
    for (const env of Object.keys(spec.environments ?? {}).sort()) {
      if (!this.wanted(env)) continue;
      await this.flagEnvironment(spec, env, `${path}.environments.${env}`);
    }
    if (metadata) {
      const removals = variationRemovals(this.flagState.get(key)!.flag, spec);
      if (removals.length) await this.flagLevel(this.flagState.get(key)!, removals, 'removeVariations', path);
    }
  }

  private async flagEnvironment(spec: FlagSpec, env: string, path: string): Promise<void> {
    const live = this.flagState.get(spec.key)!;
    const current = live.environments[env];
    if (!current) {
      this.problems.push({ field: path, reason: `flag '${spec.key}' has no configuration in '${env}'` });
      return;
    }
    const lookups = { flag: (k: string) => this.world.flag(k)?.flag };
    let instructions: Instruction[] = [];
    let after: LiveFlag;
    try {
      instructions = environmentInstructions(live.flag, current, spec.environments![env], lookups, path, this.problems);
      if (!instructions.length) return;
      after = simulateFlag(this.world, live, env, instructions);
    } catch (error) {
      this.problems.push(...patchProblems(path, instructions, error));
      return;
    }
    const step = this.gated(
      {
        resource: 'flag',
        key: spec.key,
        environment: env,
        phase: 'update',
        instructions,
        baseVersion: current.version,
      },
      flagGateReasons(this.settings.get(env)!, live, after, env),
    );
    if (step.mode === 'direct')
      this.flagState.set(spec.key, await this.do(step, () => this.writer.patchFlag(step, after)));
    else await this.request(step);
  }

  /**
   * A project-level write reaches every environment, so every environment whose gate it trips must
   * approve it: none, a direct write; one, a change request there; several, nothing one request
   * can carry (the step is blocked, with the reason). True when it was written directly.
   */
  private async flagLevel(
    live: LiveFlag,
    instructions: Instruction[],
    phase: PlanStep['phase'],
    path: string,
  ): Promise<boolean> {
    let after: LiveFlag;
    try {
      after = simulateFlag(this.world, live, undefined, instructions);
    } catch (error) {
      this.problems.push(...patchProblems(path, instructions, error));
      return false;
    }
    const gated = this.input.live.environments
      .map((e) => ({ env: e.key, reasons: flagGateReasons(e.approval, live, after, e.key) }))
      .filter((g) => g.reasons.length);
    const base = { resource: 'flag' as const, key: live.flag.key, phase, instructions };
    if (gated.length > 1) {
      this.steps.push({
        ...base,
        baseVersion: live.version,
        mode: 'blocked',
        approvalReasons: gated.flatMap((g) => g.reasons.map((r) => `${g.env}: ${r}`)),
        note:
          `needs approval in ${gated.map((g) => g.env).join(', ')}; ` +
          'one change request covers one environment: split the change or break glass',
      });
      return false;
    }
    if (gated.length === 1) {
      const env = gated[0].env;
      await this.request(
        this.gated({ ...base, environment: env, baseVersion: live.environments[env].version }, gated[0].reasons),
      );
      return false;
    }
    const step: PlanStep = { ...base, baseVersion: live.version, mode: 'direct', approvalReasons: [] };
    this.flagState.set(live.flag.key, await this.do(step, () => this.writer.patchFlag(step, after)));
    return true;
  }

  /** direct, or a change request (unless one with these very instructions is already open). */
  private gated(step: Omit<PlanStep, 'mode' | 'approvalReasons'>, reasons: string[]): PlanStep {
    if (!reasons.length) return { ...step, mode: 'direct', approvalReasons: [] };
    const open = this.input.openChangeRequests.find(
      (cr) =>
        cr.resourceKind === step.resource &&
        cr.resourceKey === step.key &&
        cr.environmentKey === step.environment &&
        deepEqual(cr.instructions, step.instructions),
    );
    if (open)
      return {
        ...step,
        mode: 'awaiting',
        approvalReasons: reasons,
        changeRequest: { id: open.id, status: open.status },
      };
    return { ...step, mode: 'changeRequest', approvalReasons: reasons };
  }

  private async request(step: PlanStep): Promise<void> {
    if (step.mode === 'awaiting') {
      this.steps.push(step);
      return;
    }
    await this.do(step, async () => {
      step.changeRequest = await this.writer.openChangeRequest(step);
    });
  }

  private async do<T>(step: PlanStep, action: () => Promise<T>): Promise<T> {
    try {
      const result = await action();
      this.steps.push(step);
      return result;
    } catch (error) {
      throw new ReconcileFailure(step, error, [...this.steps]);
    }
  }
}

/** core/patch's refusal as file problems: the path of the resource, then which instruction and why. */
function patchProblems(path: string, instructions: Instruction[], error: unknown): ConfigProblem[] {
  const errors = (error as { errors?: { index?: number; field?: string; reason?: string }[] }).errors;
  if (!Array.isArray(errors) || !errors.length)
    return [{ field: path, reason: error instanceof Error ? error.message : String(error) }];
  return errors.map((e) => {
    const kind = e.index !== undefined ? instructions[e.index]?.kind : undefined;
    const where = [kind, e.field].filter(Boolean).join(' ');
    return { field: path, reason: `${where ? `${where}: ` : ''}${e.reason ?? 'refused'}` };
  });
}
