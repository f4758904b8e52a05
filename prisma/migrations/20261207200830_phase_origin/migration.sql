-- The release plan phase ({ pipelineRun, phase }) that opened a change request or started a release.
-- A look opens those in transactions of its own before its run's state commits; a look that then
-- fails leaves them without the run knowing, and the next look of that phase finds them here.
ALTER TABLE "ChangeRequest" ADD COLUMN "origin" JSONB;

ALTER TABLE "Release" ADD COLUMN "origin" JSONB;
