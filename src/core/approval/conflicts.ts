import { canonicalJson } from '../audit/canonical-json';
import { DomainError } from '../errors';
import type { SegmentConfig } from '../model/flag-config';
import { applyFlagInstructions, applySegmentInstructions, type FlagPatchContext, type FlagPatchState } from '../patch';
import {
  FLAG_INSTRUCTION_PARTS,
  FLAG_PARTS,
  FlagSide,
  SEGMENT_INSTRUCTION_PARTS,
  SEGMENT_PARTS,
} from './instruction-parts';

/**
 * Conflicts of a change request whose flag or segment changed since the version it was written
 * against. An instruction conflicts when it no longer applies to the current configuration, or
 * when the part of the configuration it edits changed since: reviewers approved it against what
 * that part used to be.
 */
export interface InstructionConflict {
  index: number;
  kind: string;
  reason: string;
}

export function findFlagConflicts(input: {
  base: FlagSide;
  current: FlagSide;
  environmentKey: string;
  instructions: unknown[];
  ctx: Omit<FlagPatchContext, 'environmentKey'>;
}): InstructionConflict[] {
  const { base, current, environmentKey, ctx } = input;
  if (same(base, current)) return [];
  // Spelled out rather than spread, so a ctx whose methods live on a prototype keeps them.
  const patchCtx: FlagPatchContext = {
    newId: () => ctx.newId(),
    lookupFlag: (key) => ctx.lookupFlag(key),
    segmentExists: (envKey, key) => ctx.segmentExists(envKey, key),
    environmentKey,
  };
  let state: FlagPatchState = { flag: current.flag, environments: { [environmentKey]: current.environment } };
  const since = base.environment.version;
  return scan(
    input.instructions,
    (instruction) => {
      state = applyFlagInstructions(state, [instruction], patchCtx);
    },
    (instruction, kind) => {
      const part = FLAG_INSTRUCTION_PARTS[kind as keyof typeof FLAG_INSTRUCTION_PARTS];
      if (part === 'rule') return ruleDrift(instruction, base.environment.rules, current.environment.rules, since);
      const view = FLAG_PARTS[part];
      return same(view.read(base), view.read(current))
        ? undefined
        : `the flag's ${view.label} changed since version ${since}`;
    },
  );
}

export function findSegmentConflicts(input: {
  base: SegmentConfig;
  current: SegmentConfig;
  instructions: unknown[];
  newId: () => string;
  segmentExists: (key: string) => boolean;
}): InstructionConflict[] {
  const { base, current, newId, segmentExists } = input;
  if (same(base, current)) return [];
  let segment = current;
  return scan(
    input.instructions,
    (instruction) => {
      segment = applySegmentInstructions(segment, [instruction], { newId, segmentExists }).segment;
    },
    (instruction, kind) => {
      const part = SEGMENT_INSTRUCTION_PARTS[kind as keyof typeof SEGMENT_INSTRUCTION_PARTS];
      if (part === 'rule') return ruleDrift(instruction, base.rules, current.rules, base.version);
      const view = SEGMENT_PARTS[part];
      return same(view.read(base), view.read(current))
        ? undefined
        : `the segment's ${view.label} changed since version ${base.version}`;
    },
  );
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/**
 * Applies the instructions one at a time to the current configuration. One that fails is a conflict
 * and is left out, so the ones after it are still checked, against what the others built. `drift`
 * is only asked about instructions that applied, so their kind is a known one.
 */
function scan(
  instructions: unknown[],
  apply: (instruction: unknown) => void,
  drift: (instruction: unknown, kind: string) => string | undefined,
): InstructionConflict[] {
  const conflicts: InstructionConflict[] = [];
  instructions.forEach((instruction, index) => {
    const kind = kindOf(instruction);
    try {
      apply(instruction);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      conflicts.push({ index, kind, reason: error.errors?.[0]?.reason ?? error.message });
      return;
    }
    const reason = drift(instruction, kind);
    if (reason !== undefined) conflicts.push({ index, kind, reason });
  });
  return conflicts;
}

function kindOf(instruction: unknown): string {
  const kind =
    typeof instruction === 'object' && instruction !== null ? (instruction as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' ? kind : '';
}

/** Only the rule the instruction names matters: edits elsewhere in the list do not change its meaning. */
function ruleDrift(
  instruction: unknown,
  baseRules: { _id: string }[],
  currentRules: { _id: string }[],
  since: number,
): string | undefined {
  const ruleId = (instruction as { ruleId?: unknown }).ruleId;
  const find = (rules: { _id: string }[]) => rules.find((rule) => rule._id === ruleId);
  return same(find(baseRules), find(currentRules))
    ? undefined
    : `rule '${String(ruleId)}' changed since version ${since}`;
}
