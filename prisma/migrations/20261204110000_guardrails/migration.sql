-- AlterTable
ALTER TABLE "ChangeRequest" ADD COLUMN     "guardrailWarnings" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "GuardrailPolicy" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "environmentKeys" TEXT[],
    "rules" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "GuardrailPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "GuardrailPolicy_projectId_key_key" ON "GuardrailPolicy"("projectId", "key");

-- AddForeignKey
ALTER TABLE "GuardrailPolicy" ADD CONSTRAINT "GuardrailPolicy_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
