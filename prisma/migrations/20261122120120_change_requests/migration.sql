-- AlterTable
ALTER TABLE "Environment" ADD COLUMN     "approvalSettings" JSONB;

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "approvalDefaults" JSONB;

-- CreateTable
CREATE TABLE "ChangeRequest" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "resourceKind" TEXT NOT NULL,
    "resourceKey" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "instructions" JSONB NOT NULL,
    "baseVersion" INTEGER NOT NULL,
    "contentHash" TEXT NOT NULL,
    "approvalsRequired" INTEGER NOT NULL,
    "approvalReasons" JSONB NOT NULL DEFAULT '[]',
    "requester" JSONB NOT NULL,
    "requesterId" TEXT NOT NULL,
    "executionDate" TIMESTAMPTZ(3),
    "appliedVersion" INTEGER,
    "appliedAt" TIMESTAMPTZ(3),
    "failure" JSONB,
    "history" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChangeRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChangeRequestReview" (
    "id" UUID NOT NULL,
    "changeRequestId" UUID NOT NULL,
    "reviewer" JSONB NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "contentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChangeRequestReview_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChangeRequest_status_createdAt_idx" ON "ChangeRequest"("status", "createdAt");

-- CreateIndex
CREATE INDEX "ChangeRequest_environmentId_resourceKind_resourceKey_idx" ON "ChangeRequest"("environmentId", "resourceKind", "resourceKey");

-- CreateIndex
CREATE INDEX "ChangeRequest_status_executionDate_idx" ON "ChangeRequest"("status", "executionDate");

-- CreateIndex
CREATE INDEX "ChangeRequestReview_changeRequestId_createdAt_idx" ON "ChangeRequestReview"("changeRequestId", "createdAt");

-- AddForeignKey
ALTER TABLE "ChangeRequest" ADD CONSTRAINT "ChangeRequest_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChangeRequest" ADD CONSTRAINT "ChangeRequest_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChangeRequestReview" ADD CONSTRAINT "ChangeRequestReview_changeRequestId_fkey" FOREIGN KEY ("changeRequestId") REFERENCES "ChangeRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;
