import { Injectable } from '@nestjs/common';
import type { CodeReferenceReport } from '../../core/code-refs/report';
import { PrismaService, type Tx, txClient } from '../../infra/prisma/prisma.service';

export interface CodeReferenceRecord {
  repository: string;
  branch: string;
  commit: string;
  flagKey: string;
  path: string;
  line: number;
  context: string;
  reportedAt: Date;
}

/** Code references per project: each repository+branch's set is replaced whole by a report. */
@Injectable()
export class CodeReferencesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  /** Replaces the repository+branch's references; returns how many there were before. */
  async replace(tx: Tx, projectId: string, report: CodeReferenceReport): Promise<number> {
    const db = txClient(tx);
    const { count } = await db.codeReference.deleteMany({
      where: { projectId, repository: report.repository, branch: report.branch },
    });
    if (report.references.length)
      await db.codeReference.createMany({
        data: report.references.map((r) => ({
          projectId,
          repository: report.repository,
          branch: report.branch,
          commit: report.commit,
          flagKey: r.flagKey,
          path: r.path,
          line: r.line,
          context: r.context,
        })),
      });
    return count;
  }

  async forFlag(projectId: string, flagKey: string, limit: number): Promise<CodeReferenceRecord[]> {
    const rows = await this.prisma.codeReference.findMany({
      where: { projectId, flagKey },
      orderBy: [{ repository: 'asc' }, { branch: 'asc' }, { path: 'asc' }, { line: 'asc' }],
      take: limit,
    });
    return rows.map((r) => ({
      repository: r.repository,
      branch: r.branch,
      commit: r.commit,
      flagKey: r.flagKey,
      path: r.path,
      line: r.line,
      context: r.context,
      reportedAt: r.createdAt,
    }));
  }

  /** References per flag key over every repository and branch of the project. */
  async counts(projectId: string): Promise<Map<string, number>> {
    const rows = await this.prisma.codeReference.groupBy({
      by: ['flagKey'],
      where: { projectId },
      _count: { _all: true },
    });
    return new Map(rows.map((r) => [r.flagKey, r._count._all]));
  }
}
