/** Where a change request for a segment is opened (named in approval/required refusals). */
export const segmentChangeRequestPath = (projectKey: string, envKey: string, segmentKey: string) =>
  `/api/v1/projects/${projectKey}/environments/${envKey}/segments/${segmentKey}/change-requests`;
