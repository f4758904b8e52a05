-- CreateTable
CREATE TABLE "ReleaseGuardCheck" (
    "id" UUID NOT NULL,
    "releaseId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "stage" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "metrics" JSONB NOT NULL,

    CONSTRAINT "ReleaseGuardCheck_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReleaseGuardCheck_releaseId_at_idx" ON "ReleaseGuardCheck"("releaseId", "at");

-- CreateIndex
CREATE INDEX "Release_environmentId_createdAt_idx" ON "Release"("environmentId", "createdAt");

-- AddForeignKey
ALTER TABLE "ReleaseGuardCheck" ADD CONSTRAINT "ReleaseGuardCheck_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE CASCADE ON UPDATE CASCADE;
