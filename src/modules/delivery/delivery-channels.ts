/** Redis channels of delivery, under the deployment's prefix. */
export const changeChannel = (prefix: string, environmentId: string) => `${prefix}:env:${environmentId}`;
export const changePattern = (prefix: string) => `${prefix}:env:*`;
/** Published when SDK keys change (rotation, environment deleted) so every node drops its cache. */
export const keysChannel = (prefix: string) => `${prefix}:sdk-keys`;
