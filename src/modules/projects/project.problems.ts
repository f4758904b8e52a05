import type { ErrorCode } from '../../core/error-catalogue';

/** ProjectsService.require on a `:projectKey` route: a malformed key, no such project, or one the caller may not view. */
export const IN_PROJECT = [
  'request/invalid_key',
  'project/not_found',
  'auth/forbidden',
] as const satisfies readonly ErrorCode[];

/** ...and requireEnvironment on `:envKey`. */
export const IN_ENVIRONMENT = [...IN_PROJECT, 'environment/not_found'] as const satisfies readonly ErrorCode[];
