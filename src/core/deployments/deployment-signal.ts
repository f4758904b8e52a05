import { DomainError } from '../errors';

/**
 * What a deploy signal from CI may carry, checked before anything is written. Each field has its
 * own error code, so a CI step that sends a bad value learns which one without parsing prose.
 */

/** Service names look like keys (they are matched against flags' service lists and tags). */
export const SERVICE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MAX_SERVICE_LENGTH = 64;
/** `v1.2.3`, `1.2.3+build.5`, `2026-12-06_1`, a commit hash: no spaces, slashes or quotes. */
export const VERSION_PATTERN = /^[A-Za-z0-9][\w.+-]{0,127}$/;
export const MAX_VERSION_LENGTH = 128;
/** An abbreviated (7+) or full (40) git commit hash. */
export const COMMIT_SHA_PATTERN = /^[0-9a-fA-F]{7,40}$/;
export const MAX_URL_LENGTH = 2048;

export interface DeploymentSignalInput {
  service: string;
  version: string;
  commitSha?: string | null;
  url?: string | null;
}

export interface DeploymentSignal {
  service: string;
  version: string;
  /** Lower-cased, so `ABC1234` and `abc1234` are the same commit. */
  commitSha: string | null;
  url: string | null;
}

export function parseService(service: string): string {
  if (!SERVICE_PATTERN.test(service)) {
    throw new DomainError('deployment/invalid_service', `service '${clip(service)}' is not a valid service name`, [
      { field: 'service', reason: `must match ${SERVICE_PATTERN.source} (1 to ${MAX_SERVICE_LENGTH} characters)` },
    ]);
  }
  return service;
}

/** The signal as stored, or a DomainError naming the first bad field. */
export function parseDeploymentSignal(input: DeploymentSignalInput): DeploymentSignal {
  const service = parseService(input.service);
  if (!VERSION_PATTERN.test(input.version)) {
    throw new DomainError('deployment/invalid_version', `version '${clip(input.version)}' is not a valid version`, [
      { field: 'version', reason: `must match ${VERSION_PATTERN.source} (1 to ${MAX_VERSION_LENGTH} characters)` },
    ]);
  }
  const commitSha = input.commitSha ?? null;
  if (commitSha !== null && !COMMIT_SHA_PATTERN.test(commitSha)) {
    throw new DomainError('deployment/invalid_commit_sha', 'commitSha must be a git commit hash', [
      { field: 'commitSha', reason: 'must be 7 to 40 hexadecimal characters' },
    ]);
  }
  const url = input.url ?? null;
  if (url !== null && !isWebUrl(url)) {
    throw new DomainError('deployment/invalid_url', 'url must be an http or https URL', [
      { field: 'url', reason: `must be an absolute http:// or https:// URL of at most ${MAX_URL_LENGTH} characters` },
    ]);
  }
  return { service, version: input.version, commitSha: commitSha?.toLowerCase() ?? null, url };
}

function isWebUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH) return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Echoing a 10 KB value back in an error message helps nobody. */
const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s);
