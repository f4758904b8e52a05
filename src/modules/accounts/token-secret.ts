import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Secrets are 32 random bytes; only their SHA-256 is stored. The prefix makes leaks greppable. */
export const TOKEN_PREFIX = 'gnt_';

/** Also trigger URLs' secrets, with their own prefix. */
export const newTokenSecret = (prefix = TOKEN_PREFIX): string => prefix + randomBytes(32).toString('base64url');

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** What listings show so a person can tell tokens apart without seeing the secret. */
export const secretHint = (secret: string): string => `${secret.slice(0, TOKEN_PREFIX.length + 4)}…`;

export const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};
