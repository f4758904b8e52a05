import { Injectable } from '@nestjs/common';
import type { ApprovalSettings } from '../../core/approval';
import { toJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, txClient } from '../../infra/prisma/prisma.service';

/** Approval settings live on their environment (and project defaults on the project). */
@Injectable()
export class ApprovalSettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  async setEnvironment(tx: Tx, environmentId: string, settings: ApprovalSettings): Promise<void> {
    await txClient(tx).environment.update({
      where: { id: environmentId },
      data: { approvalSettings: toJson(settings) },
    });
  }

  async setProjectDefaults(tx: Tx, projectId: string, settings: ApprovalSettings): Promise<void> {
    await txClient(tx).project.update({
      where: { id: projectId },
      data: { approvalDefaults: toJson(settings) },
    });
  }

  async missingTeams(keys: string[]): Promise<string[]> {
    if (!keys.length) return [];
    const found = await this.prisma.team.findMany({ where: { key: { in: keys } }, select: { key: true } });
    const have = new Set(found.map((t) => t.key));
    return keys.filter((k) => !have.has(k));
  }
}
