/**
 * What a command runs with: the typed API client, the output, and the resolved configuration.
 * Precedence (conventions §18): flags > environment (GANTRY_URL, GANTRY_TOKEN, GANTRY_PROFILE) >
 * the profile file. The client is built on first use, so `login`, `profiles` and `--help` work
 * without any configuration.
 */
import { createApi, type GantryApi } from './api';
import { CliConfigError } from './cli-errors';
import type { Output } from './output';
import { DEFAULT_PROFILE, exposedMessage, profilePath, readProfiles } from './profile-store';

export type Source = 'flag' | 'env' | 'profile';

export interface ResolvedConfig {
  /** The profile in use: --profile, GANTRY_PROFILE, the file's `current`, else `default`. */
  profile: string;
  url?: string;
  token?: string;
  sources: { url?: Source; token?: Source };
  /**
   * Why the profile could not supply what was missing (no such profile, a file others can read):
   * reported when the API is first needed, so `logout` and `profiles` still work to repair it.
   */
  problem?: string;
  /** Where the profile file is (it may not exist). */
  profileFile: string;
  env: NodeJS.ProcessEnv;
}

export interface CliContext {
  /** The typed client; throws a CliConfigError naming what is missing when URL or token are not set. */
  readonly api: GantryApi;
  out: Output;
  config: ResolvedConfig;
}

export interface GlobalFlags {
  url?: string;
  token?: string;
  profile?: string;
}

export function resolveConfig(flags: GlobalFlags, env: NodeJS.ProcessEnv): ResolvedConfig {
  const profileFile = profilePath(env);
  const sources: ResolvedConfig['sources'] = {};
  let url = pick(flags.url, env.GANTRY_URL, 'url', sources);
  let token = pick(flags.token, env.GANTRY_TOKEN, 'token', sources);
  // The file is read only when something is still missing, so flags/env work with a broken file.
  const namedProfile = flags.profile || env.GANTRY_PROFILE;
  let profile = namedProfile || DEFAULT_PROFILE;
  let problem: string | undefined;
  if (url === undefined || token === undefined) {
    const { profiles, exposed } = readProfiles(profileFile);
    profile = namedProfile || profiles.current || DEFAULT_PROFILE;
    const stored = profiles.profiles[profile];
    if (!stored && namedProfile)
      problem = `no profile '${profile}' in ${profileFile}; run \`gantry login --profile ${profile} …\``;
    if (stored && url === undefined) {
      url = stored.url;
      sources.url = 'profile';
    }
    if (stored && token === undefined) {
      if (exposed) {
        problem = exposedMessage(profileFile);
      } else {
        token = stored.token;
        sources.token = 'profile';
      }
    }
  }
  return { profile, url, token, sources, profileFile, env, problem };
}

export function createContext(config: ResolvedConfig, out: Output): CliContext {
  let api: GantryApi | undefined;
  return {
    out,
    config,
    get api() {
      if (api) return api;
      if ((!config.url || !config.token) && config.problem) throw new CliConfigError(config.problem);
      if (!config.url) {
        throw new CliConfigError('no Gantry URL: pass --url, set GANTRY_URL, or run `gantry login --url … --token …`');
      }
      if (!config.token) {
        throw new CliConfigError(
          'no access token: pass --token, set GANTRY_TOKEN, or run `gantry login --url … --token …`',
        );
      }
      api = createApi(config.url, config.token);
      return api;
    },
  };
}

function pick(
  flag: string | undefined,
  fromEnv: string | undefined,
  key: 'url' | 'token',
  sources: ResolvedConfig['sources'],
) {
  if (flag) {
    sources[key] = 'flag';
    return flag;
  }
  if (fromEnv) {
    sources[key] = 'env';
    return fromEnv;
  }
  return undefined;
}
