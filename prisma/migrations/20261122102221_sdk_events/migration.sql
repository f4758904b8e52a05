-- CreateTable
CREATE TABLE "SdkEvent" (
    "id" BIGSERIAL NOT NULL,
    "environmentId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT,
    "contextKeys" JSONB,
    "variation" INTEGER,
    "metricValue" DOUBLE PRECISION,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" JSONB NOT NULL,

    CONSTRAINT "SdkEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SdkEvent_environmentId_kind_key_createdAt_idx" ON "SdkEvent"("environmentId", "kind", "key", "createdAt");
