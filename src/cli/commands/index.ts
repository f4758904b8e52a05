/**
 * The command table: one import and one entry per command file. main.ts finds a command by the
 * longest run of leading words matching a `path`, and builds `--help` from this list, in this order.
 */
import type { CliCommand } from '../command';
import { auditCommands } from './audit';
import { changeRequestCommands } from './change-requests';
import { codeRefsCommands } from './code-refs';
import { configAsCodeCommands } from './config-as-code';
import { deploymentCommands } from './deployments';
import { environmentCommands } from './environments';
import { flagWriteCommands } from './flag-writes';
import { flagReadCommands } from './flags';
import { pipelineCommands } from './pipelines';
import { profileCommands } from './profiles';
import { projectCommands } from './projects';
import { promoteCommands } from './promote';
import { releaseCommands } from './releases';
import { segmentCommands } from './segments';
import { triggerCommands } from './triggers';

const FILES: readonly (CliCommand | readonly CliCommand[])[] = [
  profileCommands,
  projectCommands,
  environmentCommands,
  flagReadCommands,
  segmentCommands,
  flagWriteCommands,
  changeRequestCommands,
  releaseCommands,
  pipelineCommands,
  triggerCommands,
  deploymentCommands,
  auditCommands,
  configAsCodeCommands,
  promoteCommands,
  codeRefsCommands,
];

export const COMMANDS: readonly CliCommand[] = FILES.flat();
