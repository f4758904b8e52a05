import { BUILTIN_ROLES, isBuiltinRole } from './builtin-roles';
import { compilePolicy } from './compile-policy';
import {
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
} from './resource-builders';
import { validatePolicy } from './statement';

const prod = { key: 'production', critical: true };
const flag = flagResource({ key: 'mobile', tags: ['team-a'] }, prod, { key: 'checkout', tags: ['beta'] });
const segment = segmentResource('mobile', prod, 'beta-users');
const env = environmentResource('mobile', prod);
const policyFor = (role: 'reader' | 'writer' | 'admin' | 'owner') =>
  compilePolicy([{ source: `role:${role}`, statements: BUILTIN_ROLES[role] }]);

describe('BUILTIN_ROLES', () => {
  it('are valid policies', () => {
    for (const role of ['reader', 'writer', 'admin', 'owner'] as const) {
      expect(validatePolicy(BUILTIN_ROLES[role])).toEqual(BUILTIN_ROLES[role]);
    }
  });

  it('reader can view but not change', () => {
    const reader = policyFor('reader');
    expect(reader.can('viewProject', projectResource('mobile'))).toBe(true);
    expect(reader.can('viewEnvironment', env)).toBe(true);
    expect(reader.can('viewAuditLog', auditLogResource())).toBe(true);
    expect(reader.can('viewMembers', memberResource('m1'))).toBe(true);
    expect(reader.can('updateOn', flag)).toBe(false);
    expect(reader.can('viewSdkKey', env)).toBe(false);
    expect(reader.can('createChangeRequest', flag)).toBe(false);
    expect(reader.explain('updateOn', flag).reason).toBe(
      'denied: no statement allows updateOn on proj/mobile:env/production:flag/checkout',
    );
  });

  it('writer changes flags, segments and environments but cannot bypass approvals or manage accounts', () => {
    const writer = policyFor('writer');
    expect(writer.can('updateOn', flag)).toBe(true);
    expect(writer.explain('updateOn', flag).decidedBy).toMatchObject({ source: 'role:writer', statementIndex: 5 });
    expect(writer.can('createChangeRequest', flag)).toBe(true);
    expect(writer.can('reviewChangeRequest', flag)).toBe(true);
    expect(writer.can('applyChangeRequest', segment)).toBe(true);
    expect(writer.can('updateIncluded', segment)).toBe(true);
    expect(writer.can('viewSdkKey', env)).toBe(true);
    expect(writer.can('createProject', projectResource('new'))).toBe(true);
    expect(writer.can('viewAuditLog', auditLogResource())).toBe(true);

    expect(writer.can('bypassRequiredApproval', flag)).toBe(false);
    expect(writer.can('bypassRequiredApproval', segment)).toBe(false);
    expect(writer.can('updateApprovalSettings', env)).toBe(false);
    expect(writer.can('manageGuardrails', env)).toBe(false);
    expect(writer.can('updateMaintainer', flag)).toBe(true);
    expect(writer.can('manageMembers', memberResource('m1'))).toBe(false);
    expect(writer.can('manageTeams', teamResource('t'))).toBe(false);
    expect(writer.can('manageRoles', roleResource('r'))).toBe(false);
    expect(writer.can('manageTokens', personalTokenResource('m2', 't1'))).toBe(false);
    expect(writer.can('manageTokens', serviceTokenResource('t2'))).toBe(false);
    expect(writer.can('manageWebhooks', webhookResource('w'))).toBe(false);
  });

  it.each(['admin', 'owner'] as const)('%s can do everything', (role) => {
    const policy = policyFor(role);
    expect(policy.can('updateOn', flag)).toBe(true);
    expect(policy.can('bypassRequiredApproval', flag)).toBe(true);
    expect(policy.can('updateApprovalSettings', env)).toBe(true);
    expect(policy.can('manageGuardrails', env)).toBe(true);
    expect(policy.can('manageMembers', memberResource('m1'))).toBe(true);
    expect(policy.can('manageTeams', teamResource('t'))).toBe(true);
    expect(policy.can('manageRoles', roleResource('r'))).toBe(true);
    expect(policy.can('manageTokens', personalTokenResource('m2', 't1'))).toBe(true);
    expect(policy.can('manageTokens', serviceTokenResource('t2'))).toBe(true);
    expect(policy.can('manageWebhooks', webhookResource('w'))).toBe(true);
    expect(policy.can('viewAuditLog', auditLogResource())).toBe(true);
    expect(policy.can('deleteProject', projectResource('mobile'))).toBe(true);
  });

  it('only the owner may grant the owner role', () => {
    expect(policyFor('owner').can('manageOwners', memberResource('m1'))).toBe(true);
    expect(policyFor('admin').can('manageOwners', memberResource('m1'))).toBe(false);
    expect(policyFor('writer').can('manageOwners', memberResource('m1'))).toBe(false);
  });

  it('readers may view teams but not change them', () => {
    expect(policyFor('reader').can('viewTeams', teamResource('t'))).toBe(true);
    expect(policyFor('reader').can('manageTeams', teamResource('t'))).toBe(false);
  });

  it('are frozen so no caller can widen them in place', () => {
    expect(Object.isFrozen(BUILTIN_ROLES.writer)).toBe(true);
    expect(Object.isFrozen(BUILTIN_ROLES.writer[0])).toBe(true);
    expect(Object.isFrozen(BUILTIN_ROLES.writer[0].actions)).toBe(true);
  });

  it('isBuiltinRole recognises the four names only', () => {
    expect(isBuiltinRole('writer')).toBe(true);
    expect(isBuiltinRole('superuser')).toBe(false);
    expect(isBuiltinRole('toString')).toBe(false);
  });
});
