import type { RelayGrant } from '../../core/relay/relay-scope';

/**
 * Checks relay credentials for the relay endpoints: against PostgreSQL on API nodes
 * (RelayCredentialsService), by asking the upstream on edge nodes (an edge can be the upstream of
 * another edge). Listeners hear of revocations so open feeds end.
 */
export abstract class RelayCredentialVerifier {
  abstract verify(secret: string): Promise<RelayGrant | null>;
  abstract onRevoked(listener: (credentialId: string) => void): void;
}
