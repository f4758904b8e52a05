/** Where a change request for a flag in an environment is opened (named in approval/required refusals). */
export const flagChangeRequestPath = (projectKey: string, flagKey: string, envKey: string) =>
  `/api/v1/projects/${projectKey}/flags/${flagKey}/environments/${envKey}/change-requests`;
