import type { FlagDefinition, FlagEnvironmentConfig } from '../../core/model/flag-config';
import type { ActorRef } from '../accounts/models/actor';

/** A flag as FlagsRepository returns it: its definition and every environment's configuration. */
export interface FlagRecord {
  id: string;
  key: string;
  definition: FlagDefinition;
  archived: boolean;
  /** Bumped by every change of the definition; each configuration has its own version. */
  version: number;
  environments: FlagConfigRecord[];
}

/** One environment's current configuration of a flag. */
export interface FlagConfigRecord {
  id: string;
  environmentId: string;
  environmentKey: string;
  config: FlagEnvironmentConfig;
}

/** A snapshot in a configuration's history: the definition and configuration at that version. */
export interface FlagVersionRecord {
  version: number;
  createdAt: Date;
  actor: ActorRef;
  comment: string;
  definition: FlagDefinition;
  config: FlagEnvironmentConfig;
}
