import type { MutationEntry } from './mutation-registry-types';
import { ENV, P } from './mutation-registry-paths';
import { WHY } from './mutation-registry-reasons';

export const PROJECT_ENTRIES: readonly MutationEntry[] = [
  // Projects and environments
  {
    surface: 'rest',
    operation: 'POST /api/v1/projects',
    actions: ['createProject', 'createEnvironment'],
    resource: 'project',
    gate: 'not-targeting',
    reason: WHY.createProject,
  },
  {
    surface: 'rest',
    operation: `PATCH ${P}`,
    actions: ['updateProject'],
    resource: 'project',
    gate: 'not-targeting',
    reason: WHY.updateProject,
  },
  {
    surface: 'rest',
    operation: `DELETE ${P}`,
    actions: ['deleteProject', 'bypassRequiredApproval'],
    resource: 'project',
    gate: 'governs-the-gate',
    reason: 'deletes every environment of the project, protected ones included',
  },
  {
    surface: 'rest',
    operation: `POST ${P}/environments`,
    actions: ['createEnvironment'],
    resource: 'environment',
    gate: 'not-targeting',
    reason: WHY.createEnvironment,
  },
  {
    surface: 'rest',
    operation: `PATCH ${ENV}`,
    actions: ['updateEnvironment', 'bypassRequiredApproval'],
    resource: 'environment settings',
    gate: 'governs-the-gate',
    reason: '`critical` decides whether the environment requires approval by default',
  },
  {
    surface: 'rest',
    operation: `POST ${ENV}/rotate-key`,
    actions: ['rotateSdkKey', 'viewSdkKey'],
    resource: 'SDK key',
    gate: 'governs-the-gate',
    reason: 'reveals a new key and stops the old one: every SDK of the environment must be given it',
  },
  {
    surface: 'rest',
    operation: `DELETE ${ENV}`,
    actions: ['deleteEnvironment', 'bypassRequiredApproval'],
    resource: 'environment',
    gate: 'governs-the-gate',
    reason: 'its SDKs stop being served at once',
  },
  {
    surface: 'rest',
    operation: `PUT ${ENV}/approval-settings`,
    actions: ['updateApprovalSettings', 'bypassRequiredApproval'],
    resource: 'approval settings',
    gate: 'governs-the-gate',
  },
  {
    surface: 'rest',
    operation: `PUT ${P}/approval-settings`,
    actions: ['updateApprovalSettings', 'bypassRequiredApproval'],
    resource: 'approval settings (project defaults)',
    gate: 'governs-the-gate',
    reason: 'apply to every environment without settings of its own',
  },
];
