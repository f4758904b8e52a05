-- CreateTable
CREATE TABLE "ScheduledChange" (
    "id" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "flagKey" TEXT NOT NULL,
    "instructions" JSONB NOT NULL,
    "executionDate" TIMESTAMPTZ(3) NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "createdBy" JSONB NOT NULL,
    "failure" JSONB,
    "appliedVersion" INTEGER,
    "appliedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ScheduledChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Release" (
    "id" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "flagKey" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "activeKey" TEXT,
    "target" JSONB NOT NULL,
    "stages" JSONB NOT NULL,
    "currentStage" INTEGER NOT NULL DEFAULT -1,
    "nextStepAt" TIMESTAMPTZ(3),
    "remainingMs" INTEGER,
    "baseline" JSONB NOT NULL,
    "baselineVersion" INTEGER NOT NULL,
    "createdBy" JSONB NOT NULL,
    "failure" JSONB,
    "history" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Release_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Trigger" (
    "id" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "flagKey" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "action" JSONB NOT NULL,
    "secretHash" TEXT NOT NULL,
    "secretHint" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "triggerCount" INTEGER NOT NULL DEFAULT 0,
    "lastTriggeredAt" TIMESTAMPTZ(3),
    "recentBodies" JSONB NOT NULL DEFAULT '[]',
    "createdBy" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Trigger_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ScheduledChange_status_executionDate_idx" ON "ScheduledChange"("status", "executionDate");

-- CreateIndex
CREATE INDEX "ScheduledChange_environmentId_flagKey_idx" ON "ScheduledChange"("environmentId", "flagKey");

-- CreateIndex
CREATE UNIQUE INDEX "Release_activeKey_key" ON "Release"("activeKey");

-- CreateIndex
CREATE INDEX "Release_status_nextStepAt_idx" ON "Release"("status", "nextStepAt");

-- CreateIndex
CREATE INDEX "Release_environmentId_flagKey_idx" ON "Release"("environmentId", "flagKey");

-- CreateIndex
CREATE UNIQUE INDEX "Trigger_secretHash_key" ON "Trigger"("secretHash");

-- CreateIndex
CREATE INDEX "Trigger_environmentId_flagKey_idx" ON "Trigger"("environmentId", "flagKey");

-- AddForeignKey
ALTER TABLE "ScheduledChange" ADD CONSTRAINT "ScheduledChange_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Release" ADD CONSTRAINT "Release_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trigger" ADD CONSTRAINT "Trigger_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
