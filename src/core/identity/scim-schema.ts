/**
 * The SCIM 2.0 resource schemas Gantry serves (RFC 7643 §4), as data: the PATCH interpreter and the
 * filter parser resolve attribute names against them (case-insensitively, as the RFC says), and
 * /Schemas publishes the attributes Gantry keeps.
 *
 * `ignored` attributes are real SCIM attributes that identity providers send (title, locale,
 * phoneNumbers, the enterprise extension...) but Gantry has nowhere to keep: they are accepted and
 * dropped, so a connector's default mappings do not fail. A name that is no attribute at all is
 * refused (scimType invalidPath).
 */
export const SCIM_URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export interface ScimAttribute {
  /** Canonical spelling; lookups ignore case. */
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference';
  multiValued?: boolean;
  subAttributes?: readonly ScimAttribute[];
  /** Assigned by Gantry: a PATCH naming it is refused, a value in a body is ignored. */
  readOnly?: boolean;
  /** A SCIM attribute Gantry accepts and drops. */
  ignored?: boolean;
  required?: boolean;
  /** String comparison in filters: exact, or ignoring case (RFC 7643 §2.3.1). */
  caseExact?: boolean;
  uniqueness?: 'none' | 'server';
  description?: string;
}

export interface ScimResourceSchema {
  id: string;
  name: 'User' | 'Group';
  endpoint: '/Users' | '/Groups';
  attributes: readonly ScimAttribute[];
  /** Extension schemas a body may carry; their attributes are ignored. */
  ignoredExtensions: readonly string[];
}

const str = (name: string, more: Partial<ScimAttribute> = {}): ScimAttribute => ({ name, type: 'string', ...more });
const ignoredStr = (...names: string[]) => names.map((n) => str(n, { ignored: true }));
/** Multi-valued complex attributes SCIM defines on User that Gantry does not keep. */
const ignoredMulti = (...names: string[]) =>
  names.map((name) => ({ name, type: 'complex' as const, multiValued: true, ignored: true }));

const META: ScimAttribute = { name: 'meta', type: 'complex', readOnly: true };
const ID: ScimAttribute = str('id', { readOnly: true, caseExact: true, uniqueness: 'server' });
const SCHEMAS: ScimAttribute = { name: 'schemas', type: 'reference', multiValued: true, readOnly: true };
const EXTERNAL_ID = str('externalId', {
  caseExact: true,
  uniqueness: 'server',
  description: "The identity provider's identifier for the resource.",
});

export const USER_SCHEMA: ScimResourceSchema = {
  id: SCIM_URN.user,
  name: 'User',
  endpoint: '/Users',
  ignoredExtensions: [SCIM_URN.enterpriseUser],
  attributes: [
    ID,
    SCHEMAS,
    META,
    EXTERNAL_ID,
    str('userName', {
      required: true,
      uniqueness: 'server',
      description: "The member's email address: Gantry identifies people by email (stored lower-cased).",
    }),
    {
      name: 'name',
      type: 'complex',
      description: "Gives the member's name: formatted, else givenName and familyName, else displayName.",
      subAttributes: [
        str('formatted'),
        str('givenName'),
        str('familyName'),
        ...ignoredStr('middleName', 'honorificPrefix', 'honorificSuffix'),
      ],
    },
    str('displayName', { description: "The member's name when name is not given." }),
    {
      name: 'emails',
      type: 'complex',
      multiValued: true,
      description: "The member's email: one with userName (changing either changes both).",
      subAttributes: [str('value'), str('type'), { name: 'primary', type: 'boolean' }, str('display')],
    },
    { name: 'active', type: 'boolean', description: 'false deactivates the member and revokes their credentials.' },
    {
      name: 'groups',
      type: 'complex',
      multiValued: true,
      readOnly: true,
      description: "The member's teams, changed through /Groups.",
      subAttributes: [str('value', { caseExact: true }), str('display'), { name: '$ref', type: 'reference' }],
    },
    ...ignoredStr('nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone'),
    ...ignoredStr('password'),
    ...ignoredMulti('phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates'),
  ],
};

export const GROUP_SCHEMA: ScimResourceSchema = {
  id: SCIM_URN.group,
  name: 'Group',
  endpoint: '/Groups',
  // Entra ID sends its own group schema alongside the core one.
  ignoredExtensions: ['http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
  attributes: [
    ID,
    SCHEMAS,
    META,
    EXTERNAL_ID,
    str('displayName', {
      required: true,
      uniqueness: 'server',
      description: "The team's name; the team's key comes from GANTRY_GROUP_TEAMS or from this name.",
    }),
    {
      name: 'members',
      type: 'complex',
      multiValued: true,
      description: 'The members of the team (User ids).',
      subAttributes: [
        str('value', { caseExact: true }),
        str('display'),
        { name: '$ref', type: 'reference' },
        str('type'),
      ],
    },
  ],
};

export const findAttribute = (list: readonly ScimAttribute[] | undefined, name: string): ScimAttribute | undefined => {
  const lower = name.toLowerCase();
  return list?.find((a) => a.name.toLowerCase() === lower);
};
