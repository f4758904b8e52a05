/**
 * What a relay credential lets an edge node take: environments named per project, or every
 * environment of a project (`*`, which also covers environments created later).
 */
export interface RelayScopeEntry {
  project: string;
  /** Environment keys, or `['*']` for all of the project's. */
  environments: string[];
}
export type RelayScope = RelayScopeEntry[];

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_ENTRIES = 100;
const MAX_ENVIRONMENTS = 100;

export type ParsedRelayScope = { ok: true; scope: RelayScope } | { ok: false; errors: string[] };

/** Validates a scope as sent by a person; every problem is listed, nothing is guessed. */
export function parseRelayScope(input: unknown): ParsedRelayScope {
  if (!Array.isArray(input) || input.length === 0)
    return { ok: false, errors: ['scope must be a non-empty array of {project, environments}'] };
  if (input.length > MAX_ENTRIES) return { ok: false, errors: [`scope has more than ${MAX_ENTRIES} entries`] };
  const errors: string[] = [];
  const scope: RelayScope = [];
  const seen = new Set<string>();
  input.forEach((raw: unknown, i) => {
    const at = `scope[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return void errors.push(`${at} must be an object`);
    const { project, environments, ...rest } = raw as Record<string, unknown>;
    for (const extra of Object.keys(rest)) errors.push(`${at}.${extra} is not a scope field`);
    if (typeof project !== 'string' || !KEY.test(project)) errors.push(`${at}.project must be a project key`);
    else if (seen.has(project)) errors.push(`${at}.project ${project} is named twice`);
    else seen.add(project);
    if (!Array.isArray(environments) || environments.length === 0 || environments.length > MAX_ENVIRONMENTS)
      return void errors.push(`${at}.environments must list 1 to ${MAX_ENVIRONMENTS} environment keys, or ["*"]`);
    const bad = environments.filter((e) => typeof e !== 'string' || (e !== '*' && !KEY.test(e)));
    if (bad.length) errors.push(`${at}.environments holds values that are not environment keys`);
    if (environments.includes('*') && environments.length > 1)
      errors.push(`${at}.environments: "*" already names every environment; list it alone`);
    if (typeof project === 'string') scope.push({ project, environments: [...new Set(environments as string[])] });
  });
  return errors.length ? { ok: false, errors } : { ok: true, scope };
}

/** Whether the scope covers an environment. */
export function scopeAllows(scope: RelayScope, projectKey: string, environmentKey: string): boolean {
  return scope.some(
    (e) => e.project === projectKey && (e.environments[0] === '*' || e.environments.includes(environmentKey)),
  );
}

/** A verified relay credential: who it is and what it may take. */
export interface RelayGrant {
  id: string;
  name: string;
  scope: RelayScope;
}
