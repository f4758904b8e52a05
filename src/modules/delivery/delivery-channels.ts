/** Redis channels of delivery, under the deployment's prefix. */
export const changeChannel = (prefix: string, environmentId: string) => `${prefix}:env:${environmentId}`;
export const changePattern = (prefix: string) => `${prefix}:env:*`;
