import { hashSecret, newTokenSecret } from '../accounts/token-secret';

/**
 * A trigger's URL is its only credential: `gtr_` + 32 random bytes (base64url), of which only the
 * SHA-256 is stored (hashed like access tokens). The prefix makes leaked URLs greppable.
 */
export const TRIGGER_SECRET_PREFIX = 'gtr_';
const SECRET_SHAPE = /^gtr_[A-Za-z0-9_-]{43}$/;

export const TRIGGER_PATH = '/api/v1/triggers';

export interface NewTriggerSecret {
  secret: string;
  hash: string;
  /** Its last characters, so a person can tell triggers apart without the secret. */
  hint: string;
}

export function newTriggerSecret(): NewTriggerSecret {
  const secret = newTokenSecret(TRIGGER_SECRET_PREFIX);
  return { secret, hash: hashSecret(secret), hint: secret.slice(-4) };
}

/** The hash to look a presented secret up by, or null when it cannot be one of ours (no lookup then). */
export const triggerSecretHash = (presented: string): string | null =>
  SECRET_SHAPE.test(presented) ? hashSecret(presented) : null;
