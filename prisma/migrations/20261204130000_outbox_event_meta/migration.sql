-- AlterTable
ALTER TABLE "OutboxEvent" ADD COLUMN     "meta" JSONB;
