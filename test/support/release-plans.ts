/**
 * Helpers for release plan tests: a release plan refuses to start where its audience would not see
 * the change, so flags are turned on first where a test releases them.
 *
 *   await turnOn(owner, project.key, flag.key, ['staging', 'production']);
 */
import type { ApiClient } from './app-harness';
import { factory } from './factories';

/** Turns the flag on in each environment (break-glass where the environment is gated; a set-up write). */
export async function turnOn(api: ApiClient, projectKey: string, flagKey: string, envKeys: string[]): Promise<void> {
  for (const environmentKey of envKeys)
    await factory.patchFlag(
      api,
      projectKey,
      flagKey,
      { environmentKey, instructions: [{ kind: 'turnFlagOn' }] },
      { bypassReason: 'test set-up: the flag is on before its release' },
    );
}
