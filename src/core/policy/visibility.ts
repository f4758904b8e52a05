/**
 * Who may see an environment. Read access is as narrow as write access, and never narrower: an
 * environment is visible to whoever may `viewProject` on its project and either `viewEnvironment`
 * on it (readers and writers everywhere; `actions: ['*']` on `proj/a:env/prod` for that one) or
 * some action on every flag or every segment in it (`proj/*:env/staging:flag/*`): who may change
 * what is there may see it.
 */
import { ACTION_NAMES, ACTIONS } from './actions';
import type { Policy } from './compile-policy';
import { environmentResource, projectResource, type EnvironmentInfo, type TaggedKey } from './resource-builders';
import type { ResourceRef } from './resource-ref';

const ON_FLAGS = ACTION_NAMES.filter((a) => (ACTIONS[a] as readonly string[]).includes('flag'));
const ON_SEGMENTS = ACTION_NAMES.filter((a) => (ACTIONS[a] as readonly string[]).includes('segment'));

export function canViewEnvironment(policy: Policy, project: string | TaggedKey, env: EnvironmentInfo): boolean {
  if (!policy.can('viewProject', projectResource(project))) return false;
  const ref = environmentResource(project, env);
  if (policy.can('viewEnvironment', ref)) return true;
  const every = (type: string): ResourceRef => [...ref, { type, key: '*', tags: [] }];
  return ON_FLAGS.some((a) => policy.can(a, every('flag'))) || ON_SEGMENTS.some((a) => policy.can(a, every('segment')));
}

/**
 * A project-level item that names some of the project's environments (`null`: all of them), as a
 * caller who sees only `visible` environments may see it: absent when it covers none of them,
 * otherwise with the hidden ones left out (a freeze or guardrail policy must not reveal that an
 * environment exists to a token scoped away from it).
 */
export function scopedToVisible<T extends { environmentKeys: string[] | null }>(
  item: T,
  visible: ReadonlySet<string>,
): T | undefined {
  if (item.environmentKeys === null) return item;
  const keys = item.environmentKeys.filter((k) => visible.has(k));
  return keys.length ? { ...item, environmentKeys: keys } : undefined;
}
