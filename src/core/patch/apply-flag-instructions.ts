import { FlagEnvironmentConfig } from '../model/flag-config';
import type { ActionName } from '../policy/actions';
import {
  ENVIRONMENT_HANDLERS,
  FLAG_INSTRUCTION_ACTIONS,
  FLAG_INSTRUCTION_HANDLERS,
  FLAG_LEVEL_HANDLERS,
  FlagInstructionKind,
  isFlagLevelKind,
} from './flag-instructions';
import { FlagPatchContext, FlagPatchResult, FlagPatchState, FlagWorkspace, InstructionScope } from './flag-patch-types';
import { Fields } from './instruction-fields';
import { readInstructionList } from './instruction-list';
import { deepEqual } from './json-value';
import { FlagArchivedError, PatchError } from './patch-error';

/**
 * Validates and applies semantic-patch instructions to a flag, all or nothing: the first failing
 * instruction throws (PatchError, or FlagArchivedError) and nothing is returned. The inputs are never
 * mutated. `version` and `salt` are left alone: versioning is the service's job.
 */
export function applyFlagInstructions(
  state: FlagPatchState,
  instructions: unknown,
  ctx: FlagPatchContext,
): FlagPatchResult {
  const list = readInstructionList(instructions, FLAG_INSTRUCTION_HANDLERS);
  const ws: FlagWorkspace = {
    flag: structuredClone(state.flag),
    environments: structuredClone(state.environments),
    ctx,
  };
  for (const { index, kind, raw } of list) applyOne(ws, index, kind, raw);
  return {
    flag: ws.flag,
    environments: ws.environments,
    flagChanged: !deepEqual(state.flag, ws.flag),
    changedEnvironments: Object.keys(ws.environments).filter(
      (key) => !deepEqual(state.environments[key], ws.environments[key]),
    ),
  };
}

/** Kind, authorization action and scope of each instruction; checks the list and the kinds only. */
export function flagInstructionActions(
  instructions: unknown,
): { kind: string; action: ActionName; scope: InstructionScope }[] {
  return readInstructionList(instructions, FLAG_INSTRUCTION_HANDLERS).map(({ kind }) => ({
    kind,
    ...FLAG_INSTRUCTION_ACTIONS[kind],
  }));
}

function applyOne(ws: FlagWorkspace, index: number, kind: FlagInstructionKind, raw: Record<string, unknown>): void {
  // Checked per instruction, so archiveFlag followed by anything but restoreFlag fails too.
  if (ws.flag.archived && kind !== 'restoreFlag') throw new FlagArchivedError(index);
  if (isFlagLevelKind(kind)) {
    const handler = FLAG_LEVEL_HANDLERS[kind];
    handler.apply(new Fields(index, raw, ['kind', ...handler.fields]), ws);
    return;
  }
  const handler = ENVIRONMENT_HANDLERS[kind];
  const { envKey, env } = targetEnvironment(ws, index);
  handler.apply(new Fields(index, raw, ['kind', ...handler.fields]), { ...ws, envKey, env });
}

function targetEnvironment(ws: FlagWorkspace, index: number): { envKey: string; env: FlagEnvironmentConfig } {
  const envKey = ws.ctx.environmentKey;
  if (envKey === undefined) throw PatchError.at(index, 'instruction needs environmentKey');
  const env = Object.hasOwn(ws.environments, envKey) ? ws.environments[envKey] : undefined;
  if (!env) throw PatchError.at(index, `instruction needs environmentKey: environment '${envKey}' does not exist`);
  return { envKey, env };
}
