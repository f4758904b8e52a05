import type { ActionName } from '../policy/actions';
import { EnvironmentHandler, FlagLevelHandler, InstructionScope } from './flag-patch-types';
import { FLAG_METADATA_HANDLERS } from './flag-metadata-instructions';
import { FLAG_PREREQUISITE_HANDLERS } from './flag-prerequisite-instructions';
import { FLAG_RULE_HANDLERS } from './flag-rule-instructions';
import { FLAG_SERVING_HANDLERS } from './flag-serving-instructions';
import { FLAG_TARGET_HANDLERS } from './flag-target-instructions';
import { FLAG_VARIATION_HANDLERS } from './flag-variation-instructions';

/** Instructions on the project-level part of a flag: they need no environment. */
export const FLAG_LEVEL_HANDLERS = {
  ...FLAG_METADATA_HANDLERS,
  ...FLAG_VARIATION_HANDLERS,
} satisfies Record<string, FlagLevelHandler>;

/** Instructions on one environment's config (ctx.environmentKey). */
export const ENVIRONMENT_HANDLERS = {
  ...FLAG_SERVING_HANDLERS,
  ...FLAG_RULE_HANDLERS,
  ...FLAG_TARGET_HANDLERS,
  ...FLAG_PREREQUISITE_HANDLERS,
} satisfies Record<string, EnvironmentHandler>;

export type FlagLevelInstructionKind = keyof typeof FLAG_LEVEL_HANDLERS;
export type EnvironmentInstructionKind = keyof typeof ENVIRONMENT_HANDLERS;
export type FlagInstructionKind = FlagLevelInstructionKind | EnvironmentInstructionKind;

export const FLAG_INSTRUCTION_HANDLERS: Record<FlagInstructionKind, FlagLevelHandler | EnvironmentHandler> = {
  ...FLAG_LEVEL_HANDLERS,
  ...ENVIRONMENT_HANDLERS,
};

export function isFlagLevelKind(kind: FlagInstructionKind): kind is FlagLevelInstructionKind {
  return Object.hasOwn(FLAG_LEVEL_HANDLERS, kind);
}

/** The authorization action (LaunchDarkly's name) and scope of every flag instruction kind. */
export const FLAG_INSTRUCTION_ACTIONS = Object.fromEntries(
  (Object.keys(FLAG_INSTRUCTION_HANDLERS) as FlagInstructionKind[]).map((kind) => [
    kind,
    { action: FLAG_INSTRUCTION_HANDLERS[kind].action, scope: isFlagLevelKind(kind) ? 'flag' : 'environment' },
  ]),
) as Record<FlagInstructionKind, { action: ActionName; scope: InstructionScope }>;
