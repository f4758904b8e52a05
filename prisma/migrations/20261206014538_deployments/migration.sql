-- CreateTable
CREATE TABLE "Deployment" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "commitSha" TEXT,
    "url" TEXT,
    "actor" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Deployment_environmentId_createdAt_id_idx" ON "Deployment"("environmentId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Deployment_projectId_service_createdAt_id_idx" ON "Deployment"("projectId", "service", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Deployment_environmentId_service_version_createdAt_idx" ON "Deployment"("environmentId", "service", "version", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
