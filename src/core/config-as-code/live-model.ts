/** The live state the config-as-code functions read: what the public API returns, in core's types. */
import type { FlagDefinition, FlagEnvironmentConfig, SegmentConfig } from '../model/flag-config';
import type { ApprovalSettings } from '../approval/approval-settings';

export interface LiveFlag {
  flag: FlagDefinition;
  /** Flag-level version (If-Match of a write without an environment). */
  version: number;
  environments: Record<string, FlagEnvironmentConfig>;
}

export interface LiveEnvironment {
  key: string;
  /** The effective approval settings (environment's own, project default or built-in). */
  approval: ApprovalSettings;
}

export interface LiveProject {
  key: string;
  environments: LiveEnvironment[];
  /** Every flag of the project, archived ones included (the file may restore one). */
  flags: LiveFlag[];
  /** Live (not deleted) segments by environment key. */
  segments: Record<string, SegmentConfig[]>;
}
