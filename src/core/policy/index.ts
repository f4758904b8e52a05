/**
 * Authorization core: LaunchDarkly-style policy statements, resource specifiers and their
 * compilation to CASL. Pure: no I/O, no framework. Services build a `ResourceRef` with the
 * builders, ask `policy.can(action, ref)`, and use `explain` for 403 bodies and the explain endpoint.
 */
export { ACTIONS, ACTION_NAMES, actionAppliesTo, actionsForTypes, isKnownAction } from './actions';
export type { ActionName } from './actions';
export { BUILTIN_ROLES, isBuiltinRole } from './builtin-roles';
export type { BuiltinRole } from './builtin-roles';
export { compilePolicy } from './compile-policy';
export type { Decision, DecidingStatement, Policy, PolicySource } from './compile-policy';
export {
  auditLogResource,
  environmentResource,
  flagResource,
  memberResource,
  personalTokenResource,
  projectResource,
  roleResource,
  segmentResource,
  serviceTokenResource,
  teamResource,
  webhookResource,
  anyFlagResource,
} from './resource-builders';
export type { EnvironmentInfo, TaggedKey } from './resource-builders';
export { formatResource, parseResourceRef, resourcePath } from './resource-ref';
export type { ResourceRef, ResourceSegment } from './resource-ref';
export { parseResourceSpecifier, tryParseResourceSpecifier } from './resource-specifier';
export type { ResourceSpecifier, SpecifierParseResult, SpecifierSegment } from './resource-specifier';
export { RESOURCE_PATHS, isResourceType } from './resource-types';
export type { AttributeValue, ResourceType } from './resource-types';
export { compileSpecifier, matchesSpecifier } from './specifier-matcher';
export type { SpecifierMatcher } from './specifier-matcher';
export { MAX_STATEMENTS, validatePolicy } from './statement';
export type { Effect, PolicyStatement } from './statement';
export { canViewEnvironment, scopedToVisible } from './visibility';
