import { Injectable } from '@nestjs/common';
import type { GuardrailPolicy, GuardrailRule } from '../../core/guardrail';
import { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, txClient } from '../../infra/prisma/prisma.service';

type Row = Prisma.GuardrailPolicyGetPayload<object>;

/** A stored policy: the core policy plus its row's version and times. */
export interface GuardrailPolicyRecord extends GuardrailPolicy {
  id: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

// An empty array column means "every environment" (core says null).
const toRecord = (r: Row): GuardrailPolicyRecord => ({
  id: r.id,
  key: r.key,
  name: r.name,
  description: r.description,
  environmentKeys: r.environmentKeys.length ? r.environmentKeys : null,
  rules: fromJson<GuardrailRule[]>(r.rules),
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const columns = (p: GuardrailPolicy) => ({
  name: p.name,
  description: p.description,
  environmentKeys: p.environmentKeys ?? [],
  rules: toJson(p.rules),
});

/** Guardrail policies, per project. */
@Injectable()
export class GuardrailsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  /** In the caller's transaction when it has one, so a write is checked against the policies it commits under. */
  async list(projectId: string, tx?: Tx): Promise<GuardrailPolicyRecord[]> {
    // Raw: every flag and segment write reads this list (usually empty) in its transaction.
    const rows = await this.prisma.sql<Row>(
      tx,
      Prisma.sql`SELECT * FROM "GuardrailPolicy" WHERE "projectId" = ${projectId}::uuid ORDER BY "key" ASC`,
    );
    return rows.map(toRecord);
  }

  async findForUpdate(tx: Tx, projectId: string, key: string): Promise<GuardrailPolicyRecord | null> {
    const rows = await txClient(tx).$queryRaw<{ id: string }[]>`
      SELECT id FROM "GuardrailPolicy" WHERE "projectId" = ${projectId}::uuid AND key = ${key} FOR UPDATE`;
    if (!rows.length) return null;
    return toRecord(await txClient(tx).guardrailPolicy.findUniqueOrThrow({ where: { id: rows[0].id } }));
  }

  async create(tx: Tx, projectId: string, policy: GuardrailPolicy): Promise<GuardrailPolicyRecord> {
    return toRecord(
      await txClient(tx).guardrailPolicy.create({ data: { projectId, key: policy.key, ...columns(policy) } }),
    );
  }

  async replace(tx: Tx, id: string, policy: GuardrailPolicy, version: number): Promise<GuardrailPolicyRecord> {
    return toRecord(
      await txClient(tx).guardrailPolicy.update({ where: { id }, data: { ...columns(policy), version } }),
    );
  }

  async remove(tx: Tx, id: string): Promise<void> {
    await txClient(tx).guardrailPolicy.delete({ where: { id } });
  }
}
