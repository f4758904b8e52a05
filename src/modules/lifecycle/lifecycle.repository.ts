import { Injectable } from '@nestjs/common';
import type { LifecycleSettings } from '../../core/lifecycle';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, txClient } from '../../infra/prisma/prisma.service';

/** What the sweep remembers of a flag between runs (the row is the state). */
export interface FlagLifecycleStatusRecord {
  flagId: string;
  state: string;
  staleSince: Date | null;
  notifiedAt: Date | null;
  archivalChangeRequestId: string | null;
}

/** Lifecycle settings per project, and the sweep's per-flag state. */
@Injectable()
export class LifecycleRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The stored settings (partial: read over the defaults), or null when the project has none. */
  async settings(projectId: string): Promise<Partial<LifecycleSettings> | null> {
    const row = await this.prisma.projectLifecycleSettings.findUnique({ where: { projectId } });
    return row ? fromJson<Partial<LifecycleSettings>>(row.settings) : null;
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  async putSettings(tx: Tx, projectId: string, settings: LifecycleSettings): Promise<void> {
    await txClient(tx).projectLifecycleSettings.upsert({
      where: { projectId },
      create: { projectId, settings: toJson(settings) },
      update: { settings: toJson(settings) },
    });
  }

  /** Ids of projects to sweep: every project (the sweep skips those with nothing to do quickly). */
  async projectKeys(): Promise<string[]> {
    const rows = await this.prisma.project.findMany({ select: { key: true }, orderBy: { key: 'asc' } });
    return rows.map((r) => r.key);
  }

  async statuses(flagIds: string[]): Promise<Map<string, FlagLifecycleStatusRecord>> {
    if (!flagIds.length) return new Map();
    const rows = await this.prisma.flagLifecycleStatus.findMany({ where: { flagId: { in: flagIds } } });
    return new Map(rows.map((r) => [r.flagId, r]));
  }

  async saveStatus(s: FlagLifecycleStatusRecord): Promise<void> {
    const { flagId, ...data } = s;
    await this.prisma.flagLifecycleStatus.upsert({ where: { flagId }, create: s, update: data });
  }
}
