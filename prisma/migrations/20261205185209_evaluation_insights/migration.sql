-- CreateTable
CREATE TABLE "FlagEvaluationCount" (
    "environmentId" UUID NOT NULL,
    "flagKey" TEXT NOT NULL,
    "variation" INTEGER NOT NULL,
    "sdk" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "count" BIGINT NOT NULL,
    "lastAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FlagEvaluationCount_pkey" PRIMARY KEY ("environmentId","flagKey","bucket","variation","sdk")
);

-- CreateTable
CREATE TABLE "InsightsFlush" (
    "id" UUID NOT NULL,
    "flushedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InsightsFlush_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FlagEvaluationCount_bucket_idx" ON "FlagEvaluationCount"("bucket");

-- CreateIndex
CREATE INDEX "InsightsFlush_flushedAt_idx" ON "InsightsFlush"("flushedAt");
