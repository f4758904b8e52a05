import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../infra/prisma/generated/client';
import type { RelayScope } from '../../core/relay/relay-scope';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { dbOf, PrismaService, type Tx, txClient } from '../../infra/prisma/prisma.service';

export interface RelayCredentialRecord {
  id: string;
  name: string;
  hint: string;
  scope: RelayScope;
  createdById: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

const SELECT = {
  id: true,
  name: true,
  hint: true,
  scope: true,
  createdById: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdAt: true,
} as const;

/** The scope column holds what parseRelayScope accepted, nothing else. */
const record = (r: Omit<RelayCredentialRecord, 'scope'> & { scope: Prisma.JsonValue }): RelayCredentialRecord => ({
  ...r,
  scope: fromJson<RelayScope>(r.scope),
});

/** Relay credentials: only the hash of a secret is stored. */
@Injectable()
export class RelayCredentialsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  async create(
    tx: Tx,
    data: { name: string; hash: string; hint: string; scope: RelayScope; createdById: string; expiresAt: Date | null },
  ): Promise<RelayCredentialRecord> {
    return record(
      await txClient(tx).relayCredential.create({ data: { ...data, scope: toJson(data.scope) }, select: SELECT }),
    );
  }

  async list(): Promise<RelayCredentialRecord[]> {
    return (await this.prisma.relayCredential.findMany({ select: SELECT, orderBy: { createdAt: 'asc' } })).map(record);
  }

  async find(id: string, tx?: Tx): Promise<RelayCredentialRecord | null> {
    const r = await dbOf(this.prisma, tx).relayCredential.findUnique({ where: { id }, select: SELECT });
    return r ? record(r) : null;
  }

  async findByHash(hash: string): Promise<RelayCredentialRecord | null> {
    const r = await this.prisma.relayCredential.findUnique({ where: { hash }, select: SELECT });
    return r ? record(r) : null;
  }

  async revoke(tx: Tx, id: string, at: Date): Promise<RelayCredentialRecord> {
    return record(
      await txClient(tx).relayCredential.update({ where: { id }, data: { revokedAt: at }, select: SELECT }),
    );
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.relayCredential.update({ where: { id }, data: { lastUsedAt: at }, select: { id: true } });
  }
}
