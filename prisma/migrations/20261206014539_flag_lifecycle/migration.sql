-- CreateTable
CREATE TABLE "ProjectLifecycleSettings" (
    "projectId" UUID NOT NULL,
    "settings" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProjectLifecycleSettings_pkey" PRIMARY KEY ("projectId")
);

-- CreateTable
CREATE TABLE "FlagLifecycleStatus" (
    "flagId" UUID NOT NULL,
    "state" TEXT NOT NULL,
    "staleSince" TIMESTAMPTZ(3),
    "notifiedAt" TIMESTAMPTZ(3),
    "archivalChangeRequestId" UUID,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FlagLifecycleStatus_pkey" PRIMARY KEY ("flagId")
);

-- CreateTable
CREATE TABLE "CodeReference" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "repository" TEXT NOT NULL,
    "branch" TEXT NOT NULL,
    "commit" TEXT NOT NULL,
    "flagKey" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "context" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CodeReference_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CodeReference_projectId_flagKey_idx" ON "CodeReference"("projectId", "flagKey");

-- CreateIndex
CREATE INDEX "CodeReference_projectId_repository_branch_idx" ON "CodeReference"("projectId", "repository", "branch");

-- AddForeignKey
ALTER TABLE "ProjectLifecycleSettings" ADD CONSTRAINT "ProjectLifecycleSettings_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagLifecycleStatus" ADD CONSTRAINT "FlagLifecycleStatus_flagId_fkey" FOREIGN KEY ("flagId") REFERENCES "Flag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CodeReference" ADD CONSTRAINT "CodeReference_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
