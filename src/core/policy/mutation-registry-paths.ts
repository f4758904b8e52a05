// Path prefixes the REST entries share.
export const P = '/api/v1/projects/{projectKey}';
export const FLAG = `${P}/flags/{flagKey}`;
export const FLAG_ENV = `${FLAG}/environments/{envKey}`;
export const ENV = `${P}/environments/{envKey}`;
export const CR = '/api/v1/change-requests/{id}';
