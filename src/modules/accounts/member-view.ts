import type { MemberWithRoles } from './account-records';

/** A member as the members API, GraphQL and the audit log show it. */
export const memberView = (m: MemberWithRoles) => ({
  id: m.id,
  email: m.email,
  name: m.name,
  role: m.role,
  customRoleKeys: m.customRoles.map((r) => r.key).sort(),
  teamKeys: m.teams.map((t) => t.key).sort(),
  active: m.deactivatedAt === null,
  externalId: m.externalId,
  createdAt: m.createdAt.toISOString(),
});
