import { flagApprovalReasons, type ApprovalSettings, type FlagState } from '../../core/approval';
import { DomainError } from '../../core/errors';
import { flagInstructionActions } from '../../core/patch';

export const TRIGGER_ACTION_KINDS = ['turnFlagOn', 'turnFlagOff', 'instructions'] as const;
export type TriggerActionKind = (typeof TRIGGER_ACTION_KINDS)[number];

/** What a trigger does when fired, as stored in `Trigger.action`. */
export interface TriggerAction {
  kind: TriggerActionKind;
  /** Only for kind `instructions`: environment-level semantic-patch instructions. */
  instructions?: unknown[];
}

/** The instructions a trigger writes through the flag write path. */
export const instructionsOf = (action: TriggerAction): unknown[] =>
  action.kind === 'instructions' ? (action.instructions ?? []) : [{ kind: action.kind }];

const invalidAction = (reason: string, field = 'action', index?: number) =>
  new DomainError('trigger/invalid_action', `${index === undefined ? '' : `instruction ${index}: `}${reason}`, [
    { field, reason, ...(index === undefined ? {} : { index }) },
  ]);

/**
 * Checks an action's shape and kinds (unknown kinds are core/patch's 400s). A trigger lives in one
 * environment, so its instructions may only change that environment: flag-level kinds (variations,
 * name, archiving...) would reach every environment, and are refused.
 */
export function normalizeAction(input: { kind: TriggerActionKind; instructions?: unknown[] }): TriggerAction {
  if (input.kind !== 'instructions') {
    if (input.instructions !== undefined)
      throw invalidAction(
        `instructions are only for action kind 'instructions', not '${input.kind}'`,
        'action.instructions',
      );
    return { kind: input.kind };
  }
  if (input.instructions === undefined)
    throw invalidAction("action kind 'instructions' needs a list of instructions", 'action.instructions');
  const steps = flagInstructionActions(input.instructions);
  const flagLevel = steps.findIndex((s) => s.scope !== 'environment');
  if (flagLevel >= 0)
    throw invalidAction(
      `'${steps[flagLevel].kind}' changes the flag in every environment; a trigger may only change its own environment`,
      'kind',
      flagLevel,
    );
  return { kind: 'instructions', instructions: input.instructions };
}

const withOn = (s: FlagState, on: boolean): FlagState => ({ flag: s.flag, environment: { ...s.environment, on } });

/**
 * Why the environment's approval settings would gate what the trigger does. A toggle is judged as
 * the transition it makes whatever the flag's state now (turning it on when it is off), since it
 * can be fired at any later time; an instruction list on what it does to the current configuration
 * (firing re-checks a trigger created without bypass, see TriggerFireService).
 */
export function triggerApprovalReasons(
  settings: ApprovalSettings,
  action: TriggerAction,
  dry: { before: FlagState; after: FlagState },
): string[] {
  if (action.kind === 'instructions') return flagApprovalReasons(settings, dry.before, dry.after);
  const on = action.kind === 'turnFlagOn';
  return flagApprovalReasons(settings, withOn(dry.before, !on), withOn(dry.before, on));
}
