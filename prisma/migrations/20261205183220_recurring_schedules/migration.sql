-- AlterTable
ALTER TABLE "ScheduledChange" ADD COLUMN     "cron" TEXT,
ADD COLUMN     "timeZone" TEXT;

-- CreateTable
CREATE TABLE "ScheduledChangeOccurrence" (
    "id" UUID NOT NULL,
    "scheduledChangeId" UUID NOT NULL,
    "occurrenceAt" TIMESTAMPTZ(3) NOT NULL,
    "outcome" TEXT NOT NULL,
    "version" INTEGER,
    "failure" JSONB,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScheduledChangeOccurrence_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledChangeOccurrence_scheduledChangeId_occurrenceAt_key" ON "ScheduledChangeOccurrence"("scheduledChangeId", "occurrenceAt");

-- AddForeignKey
ALTER TABLE "ScheduledChangeOccurrence" ADD CONSTRAINT "ScheduledChangeOccurrence_scheduledChangeId_fkey" FOREIGN KEY ("scheduledChangeId") REFERENCES "ScheduledChange"("id") ON DELETE CASCADE ON UPDATE CASCADE;
