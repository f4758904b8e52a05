import type { FlagDefinition, FlagEnvironmentConfig, Variation } from '../model/flag-config';

// The types restoreInstructions and its parts share; restore-instructions.ts re-exports them.

export interface RestoreState {
  flag: FlagDefinition;
  environment: FlagEnvironmentConfig;
}

export interface RestoreLookups {
  /** Another flag's current variations (for prerequisites); undefined if it no longer exists or is archived. */
  prerequisiteVariations(key: string): readonly Variation[] | undefined;
}

export type RestoreInstruction = { kind: string } & Record<string, unknown>;
