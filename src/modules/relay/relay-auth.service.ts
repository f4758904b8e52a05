import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors';
import { scopeAllows, type RelayGrant } from '../../core/relay/relay-scope';
import { RelayCatalog } from '../delivery/snapshot-source';
import { RelayCredentialVerifier } from './relay-credential-verifier';

export const invalidRelayCredential = () =>
  new DomainError('relay/invalid_credential', 'missing, unknown, expired or revoked relay credential');

/** The relay credential of a request (`Authorization: Bearer grl_…`) and what it covers. */
@Injectable()
export class RelayAuthService {
  constructor(
    private readonly verifier: RelayCredentialVerifier,
    private readonly catalog: RelayCatalog,
  ) {}

  async authenticate(headers: FastifyRequest['headers']): Promise<{ grant: RelayGrant; secret: string }> {
    const auth = headers.authorization;
    const secret = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
    const grant = secret ? await this.verifier.verify(secret) : null;
    if (!grant || !secret) throw invalidRelayCredential();
    return { grant, secret };
  }

  /** Whether the grant covers the environment (which this node must serve). */
  covers(grant: RelayGrant, environmentId: string): boolean {
    const meta = this.catalog.environments().find((m) => m.id === environmentId);
    return meta !== undefined && scopeAllows(grant.scope, meta.project, meta.key);
  }

  requireCovered(grant: RelayGrant, environmentId: string): void {
    if (!this.covers(grant, environmentId))
      throw new DomainError(
        'relay/out_of_scope',
        `environment ${environmentId} is not in the relay credential's scope`,
      );
  }
}
