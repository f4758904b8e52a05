-- CreateTable
CREATE TABLE "FreezeWindow" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "reason" TEXT,
    "allEnvironments" BOOLEAN NOT NULL DEFAULT true,
    "environmentKeys" TEXT[],
    "startsAt" TIMESTAMPTZ(3),
    "endsAt" TIMESTAMPTZ(3),
    "cron" TEXT,
    "durationMinutes" INTEGER,
    "timeZone" TEXT,
    "createdBy" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FreezeWindow_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FreezeWindow_projectId_idx" ON "FreezeWindow"("projectId");

-- AddForeignKey
ALTER TABLE "FreezeWindow" ADD CONSTRAINT "FreezeWindow_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
