import type { BuiltinRole, PolicyStatement } from '../../core/policy';

/** What AccountsRepository returns: plain records, never Prisma rows (see project-context.ts). */

export interface CustomRole {
  id: string;
  key: string;
  name: string;
  description: string;
  policy: PolicyStatement[];
  createdAt: Date;
  updatedAt: Date;
}

export interface Member {
  id: string;
  email: string;
  name: string;
  role: BuiltinRole | null;
  /** The identity provider's id (SCIM externalId). */
  externalId: string | null;
  /** `<issuer> <sub>` of the OIDC identity that signs in as this member. */
  oidcSubject: string | null;
  deactivatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A member with everything its permissions come from: own custom roles and its teams' ones. */
export interface MemberWithRoles extends Member {
  customRoles: CustomRole[];
  teams: { key: string; customRoles: CustomRole[] }[];
}

export interface Team {
  id: string;
  key: string;
  name: string;
  description: string;
  createdAt: Date;
}

export interface TeamWithLinks extends Team {
  memberIds: string[];
  customRoles: CustomRole[];
}

export interface AccessToken {
  id: string;
  name: string;
  hash: string;
  hint: string;
  memberId: string | null;
  role: BuiltinRole | null;
  customRoleKeys: string[];
  inlinePolicy: PolicyStatement[] | null;
  isOwnerToken: boolean;
  createdById: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export interface TokenWithMember extends AccessToken {
  member: MemberWithRoles | null;
}

export interface NewToken {
  name: string;
  hash: string;
  hint: string;
  memberId: string | null;
  role?: BuiltinRole | null;
  customRoleKeys: string[];
  inlinePolicy?: PolicyStatement[];
  isOwnerToken?: boolean;
  expiresAt?: Date | null;
  createdById: string;
}

export interface SessionRecord {
  id: string;
  memberId: string;
  method: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}
