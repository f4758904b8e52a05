import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import {
  GROUP_SCHEMA,
  SCIM_URN,
  USER_SCHEMA,
  type ScimAttribute,
  type ScimResourceSchema,
} from '../../core/identity/scim-schema';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { MAX_RESULTS } from './scim-query';
import { listResponse, scimBaseUrl, type ScimResource } from './scim-resources';

const SCHEMAS = [USER_SCHEMA, GROUP_SCHEMA];

/** An attribute as /Schemas describes it (RFC 7643 §7); only what Gantry keeps. */
function describe(a: ScimAttribute): Record<string, unknown> {
  const kept = a.subAttributes?.filter((s) => !s.ignored);
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued === true,
    ...(a.description ? { description: a.description } : {}),
    required: a.required === true,
    ...(a.type === 'string' ? { caseExact: a.caseExact === true } : {}),
    mutability: a.readOnly ? 'readOnly' : 'readWrite',
    returned: 'default',
    uniqueness: a.uniqueness ?? 'none',
    ...(kept ? { subAttributes: kept.map(describe) } : {}),
  };
}

/**
 * /ServiceProviderConfig, /ResourceTypes and /Schemas: what this service provider does, stated as
 * it is (PATCH yes; bulk, sort, password changes and ETag preconditions no; filters: eq and and).
 */
@Injectable()
export class ScimDiscoveryService {
  private readonly base: string;

  constructor(@Inject(GANTRY_CONFIG) config: GantryConfig) {
    this.base = scimBaseUrl(config);
  }

  serviceProviderConfig() {
    return {
      schemas: [SCIM_URN.serviceProviderConfig],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: MAX_RESULTS },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'Bearer token',
          description: 'A Gantry access token issued with purpose scim: Authorization: Bearer <token>',
          primary: true,
        },
      ],
      meta: { resourceType: 'ServiceProviderConfig', location: `${this.base}/ServiceProviderConfig` },
    };
  }

  resourceTypes() {
    const all = SCHEMAS.map((s) => this.resourceType(s));
    return listResponse(all, all.length, 1);
  }

  resourceTypeById(id: string) {
    const s = SCHEMAS.find((x) => x.name === id);
    if (!s) throw new DomainError('route/not_found', `no resource type '${id}'; there are User and Group`);
    return this.resourceType(s);
  }

  schemas() {
    const all = SCHEMAS.map((s) => this.schema(s));
    return listResponse(all, all.length, 1);
  }

  schemaById(id: string) {
    const s = SCHEMAS.find((x) => x.id === id);
    if (!s)
      throw new DomainError('route/not_found', `no schema '${id}'; there are ${SCHEMAS.map((x) => x.id).join(', ')}`);
    return this.schema(s);
  }

  private resourceType(s: ScimResourceSchema): ScimResource {
    return {
      schemas: [SCIM_URN.resourceType],
      id: s.name,
      name: s.name,
      endpoint: s.endpoint,
      description: s.name === 'User' ? 'Gantry members' : 'Gantry teams',
      schema: s.id,
      schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: `${this.base}/ResourceTypes/${s.name}` },
    };
  }

  private schema(s: ScimResourceSchema): ScimResource {
    return {
      schemas: [SCIM_URN.schema],
      id: s.id,
      name: s.name,
      attributes: s.attributes.filter((a) => !a.ignored && a.name !== 'schemas' && a.name !== 'meta').map(describe),
      meta: { resourceType: 'Schema', location: `${this.base}/Schemas/${s.id}` },
    };
  }
}
