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
  /** The identity provider's id (SCIM externalId): set for members an identity provider manages. */
  externalId: string | null;
  /** `<issuer> <sub>` of the OIDC identity that signs in as this member. */
  oidcSubject: string | null;
  /** Set while the member is deactivated: nothing of theirs authenticates. */
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
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TeamWithLinks extends Team {
  memberIds: string[];
  customRoles: CustomRole[];
}

/** api: the REST API and GraphQL; scim: /scim/v2 only. */
export type TokenPurpose = 'api' | 'scim';

export interface AccessToken {
  id: string;
  name: string;
  purpose: TokenPurpose;
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

export interface TokenStatus {
  id: string;
  name: string;
  purpose: TokenPurpose;
  revokedAt: Date | null;
  expiresAt: Date | null;
  member: { deactivatedAt: Date | null } | null;
}

export interface TokenWithMember extends AccessToken {
  member: MemberWithRoles | null;
}

export interface NewToken {
  name: string;
  purpose?: TokenPurpose;
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

/** A member as identity provisioning sees it: who, whether active, which teams. */
export interface DirectoryMember extends Member {
  teams: { id: string; name: string }[];
}

export interface DirectoryTeam extends Team {
  members: { id: string; email: string; name: string }[];
}

/** Equalities that must all hold (SCIM filters); ids are UUIDs. */
export interface MemberCriteria {
  id?: string;
  email?: string;
  externalId?: string;
}

export interface TeamCriteria {
  id?: string;
  /** Compared ignoring case. */
  name?: string;
  externalId?: string;
  memberId?: string;
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
