-- Change requests for the governance of environments and projects (issue 10): an environment's
-- protection gets a version to bind reviews to, and a request outlives the environment or project
-- it deleted (its keys are kept on the row).
ALTER TABLE "Environment" ADD COLUMN "governanceVersion" INTEGER NOT NULL DEFAULT 1;

ALTER TABLE "ChangeRequest" ADD COLUMN "projectKey" TEXT NOT NULL DEFAULT '';
ALTER TABLE "ChangeRequest" ADD COLUMN "environmentKey" TEXT NOT NULL DEFAULT '';
UPDATE "ChangeRequest" c SET "projectKey" = p."key" FROM "Project" p WHERE p."id" = c."projectId";
UPDATE "ChangeRequest" c SET "environmentKey" = e."key" FROM "Environment" e WHERE e."id" = c."environmentId";

ALTER TABLE "ChangeRequest" DROP CONSTRAINT "ChangeRequest_projectId_fkey";
ALTER TABLE "ChangeRequest" DROP CONSTRAINT "ChangeRequest_environmentId_fkey";
ALTER TABLE "ChangeRequest" ALTER COLUMN "projectId" DROP NOT NULL;
ALTER TABLE "ChangeRequest" ALTER COLUMN "environmentId" DROP NOT NULL;
ALTER TABLE "ChangeRequest" ADD CONSTRAINT "ChangeRequest_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ChangeRequest" ADD CONSTRAINT "ChangeRequest_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE SET NULL ON UPDATE CASCADE;
