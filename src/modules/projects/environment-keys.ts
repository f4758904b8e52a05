import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Credentials of an environment, in LaunchDarkly's formats: SDK keys and mobile keys are secrets;
 * the client-side id is public (it is embedded in browsers) and never rotates.
 */
export const newSdkKey = () => `sdk-${randomUUID()}`;
export const newMobileKey = () => `mob-${randomUUID()}`;
export const newClientSideId = () => randomBytes(12).toString('hex');

export const newEnvironmentKeys = () => ({
  sdkKey: newSdkKey(),
  mobileKey: newMobileKey(),
  clientSideId: newClientSideId(),
});
