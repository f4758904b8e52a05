-- DropIndex
DROP INDEX "FlagEvaluationCount_bucket_idx";

-- AlterTable
ALTER TABLE "FlagEvaluationCount" DROP CONSTRAINT "FlagEvaluationCount_pkey",
ADD COLUMN     "period" TEXT NOT NULL DEFAULT 'minute',
ADD CONSTRAINT "FlagEvaluationCount_pkey" PRIMARY KEY ("environmentId", "flagKey", "period", "bucket", "variation", "sdk");

-- CreateIndex
CREATE INDEX "FlagEvaluationCount_period_bucket_idx" ON "FlagEvaluationCount"("period", "bucket");

-- The hours and days of the minutes counted before roll-ups existed (written at flush from now on).
INSERT INTO "FlagEvaluationCount" ("environmentId", "flagKey", "variation", "sdk", "period", "bucket", "count", "lastAt")
SELECT c."environmentId", c."flagKey", c."variation", c."sdk", p.unit,
       date_trunc(p.unit, c."bucket" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', sum(c."count"), max(c."lastAt")
FROM "FlagEvaluationCount" AS c CROSS JOIN (VALUES ('hour'), ('day')) AS p(unit)
WHERE c."period" = 'minute'
GROUP BY 1, 2, 3, 4, 5, 6;
