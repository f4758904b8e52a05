import { BUILTIN_ROLES, type PolicyStatement } from '../../core/policy';
import type { CustomRole, MemberWithRoles } from './account-records';

export interface PolicySource {
  source: string;
  statements: PolicyStatement[];
}

/** A member's permissions: built-in role, own custom roles, and the custom roles of their teams. */
export function memberPolicySources(m: MemberWithRoles): PolicySource[] {
  const sources: PolicySource[] = [];
  if (m.role) sources.push({ source: `role:${m.role}`, statements: BUILTIN_ROLES[m.role] });
  for (const role of m.customRoles) sources.push({ source: `customRole:${role.key}`, statements: role.policy });
  for (const team of m.teams) {
    for (const role of team.customRoles)
      sources.push({ source: `team:${team.key}/customRole:${role.key}`, statements: role.policy });
  }
  return sources;
}

/** A service token's permissions: its own role, custom roles and inline policy. */
export function servicePolicySources(
  t: { role: keyof typeof BUILTIN_ROLES | null; inlinePolicy: PolicyStatement[] | null },
  roles: CustomRole[],
): PolicySource[] {
  const sources: PolicySource[] = [];
  if (t.role) sources.push({ source: `role:${t.role}`, statements: BUILTIN_ROLES[t.role] });
  for (const r of roles) sources.push({ source: `customRole:${r.key}`, statements: r.policy });
  if (Array.isArray(t.inlinePolicy)) sources.push({ source: 'inlinePolicy', statements: t.inlinePolicy });
  return sources;
}
