/**
 * The profile file: named pairs of URL and token that `gantry login` writes, so a person types the
 * token once. It holds secrets, so it is written 0600 in a 0700 directory, and a token is never read
 * from a file others could read (the token may already have leaked: fix the mode, then rotate it).
 *
 *   { "current": "default", "profiles": { "default": { "url": "https://…", "token": "gnt_…" } } }
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliConfigError } from './cli-errors';

export interface Profile {
  url: string;
  token: string;
}

export interface ProfileFile {
  current?: string;
  profiles: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';

export function configDir(env: NodeJS.ProcessEnv): string {
  return env.GANTRY_CONFIG_DIR || path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'gantry');
}

export function profilePath(env: NodeJS.ProcessEnv): string {
  return path.join(configDir(env), 'profiles.json');
}

/** The file's profiles (empty when there is no file), and whether its mode lets others read it. */
export function readProfiles(file: string): { profiles: ProfileFile; exposed: boolean } {
  let text: string;
  let mode: number;
  try {
    mode = fs.statSync(file).mode;
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: { profiles: {} }, exposed: false };
    throw new CliConfigError(`cannot read the profile file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliConfigError(`the profile file ${file} is not valid JSON; fix it or run \`gantry login\` again`);
  }
  if (!isProfileFile(parsed)) {
    throw new CliConfigError(
      `the profile file ${file} does not have the expected shape {"profiles": {name: {url, token}}}`,
    );
  }
  // Windows has no POSIX modes; there the file's ACL (the user's profile directory) protects it.
  const exposed = process.platform !== 'win32' && (mode & 0o077) !== 0;
  return { profiles: parsed, exposed };
}

/** Refuses a token from a file group or others can read: the check `ssh` makes for private keys. */
export function exposedMessage(file: string): string {
  const mode = (fs.statSync(file).mode & 0o777).toString(8).padStart(3, '0');
  return (
    `the profile file ${file} is readable by others (mode ${mode}); refusing to use its token. ` +
    `Run \`chmod 600 ${file}\` (and consider rotating the token), or pass --token / GANTRY_TOKEN.`
  );
}

/** Writes the whole file atomically, 0600, its directory created 0700. */
export function writeProfiles(file: string, profiles: ProfileFile): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.profiles.${process.pid}.tmp`);
  fs.writeFileSync(tmp, `${JSON.stringify(profiles, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // the umask cannot widen it, but a stale tmp file could have another mode
  fs.renameSync(tmp, file);
}

function isProfileFile(value: unknown): value is ProfileFile {
  if (typeof value !== 'object' || value === null) return false;
  const { profiles, current } = value as Record<string, unknown>;
  if (current !== undefined && typeof current !== 'string') return false;
  if (typeof profiles !== 'object' || profiles === null) return false;
  return Object.values(profiles).every(
    (p) =>
      typeof p === 'object' &&
      p !== null &&
      typeof (p as Profile).url === 'string' &&
      typeof (p as Profile).token === 'string',
  );
}
