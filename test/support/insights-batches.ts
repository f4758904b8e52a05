/**
 * Runs InsightsRepository.addBatch in its own Node process (Nest's ESM packages load there, not in
 * jest): `node -r ts-register-cached.js insights-batches.ts <databaseUrl> <json>` where json is
 * rounds `[[{id, rows}, ...], ...]`, one after the other, the batches of a round concurrently;
 * prints what each addBatch answered, `[[true, false], ...]`, as JSON.
 */
import type { EvaluationCount } from '../../src/core/insights/evaluation-tally';
import type { GantryConfig } from '../../src/infra/config/config';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { InsightsRepository } from '../../src/modules/insights/insights.repository';
import { runChecks } from './checks-process';

async function main(): Promise<void> {
  const [databaseUrl, json] = process.argv.slice(2);
  const rounds = JSON.parse(json) as {
    id: string;
    rows: (Omit<EvaluationCount, 'bucket' | 'lastAt'> & { bucket: string; lastAt: string })[];
  }[][];
  const prisma = new PrismaService({ databaseUrl, databasePoolSize: 4 } as GantryConfig);
  try {
    const repo = new InsightsRepository(prisma);
    const results: boolean[][] = [];
    for (const batches of rounds)
      results.push(
        await Promise.all(
          batches.map((b) =>
            repo.addBatch(
              b.id,
              b.rows.map((r) => ({ ...r, bucket: new Date(r.bucket), lastAt: new Date(r.lastAt) })),
            ),
          ),
        ),
      );
    process.stdout.write(JSON.stringify(results));
  } finally {
    await prisma.$disconnect();
  }
}

runChecks(main);
