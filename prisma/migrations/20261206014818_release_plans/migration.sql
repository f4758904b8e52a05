-- Release plans (issue 13): release pipelines become versioned plans of environment phases with start
-- triggers. The tables keep their names. Written to be re-runnable (IF NOT EXISTS, and the data steps
-- touch only rows still in the pipeline shape), so the migration test can insert old rows and run it again.

-- AlterTable
ALTER TABLE "PipelineRun" ADD COLUMN IF NOT EXISTS "expireAfterMs" BIGINT NOT NULL DEFAULT 1209600000,
ADD COLUMN IF NOT EXISTS "lastProgressAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN IF NOT EXISTS "planVersion" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "ReleasePipeline" ADD COLUMN IF NOT EXISTS "expireAfterMs" BIGINT,
ADD COLUMN IF NOT EXISTS "forTags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN IF NOT EXISTS "isDefault" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN IF NOT EXISTS "version" INTEGER NOT NULL DEFAULT 1;

-- Data: every audience of a pipeline phase becomes one plan phase, in order, named after its pipeline
-- phase. The first audience of a pipeline phase starts when the previous pipeline phase finished
-- (trigger `previous`; for the first one, when the run starts); the others of the same pipeline phase
-- start with it (trigger `with_previous`), as they ran in parallel before. `previous` after such a group
-- waits for the whole group. No soak; the flag is not turned on by the plan (turnFlagOn false), so a run
-- whose audience is off is refused or paused with the reason instead of "completing" unseen.
UPDATE "ReleasePipeline" p
SET "phases" = (
  SELECT coalesce(jsonb_agg(
    jsonb_build_object(
      'name', ph.value->>'name',
      'environmentKey', a.value->>'environmentKey',
      'strategy', a.value->'strategy',
      'requireApproval', coalesce((a.value->>'requireApproval')::boolean, false),
      'soakMs', 0,
      'turnFlagOn', false,
      'trigger', CASE WHEN a.ordinality = 1 THEN '{"kind":"previous"}'::jsonb ELSE '{"kind":"with_previous"}'::jsonb END
    ) ORDER BY ph.ordinality, a.ordinality), '[]'::jsonb)
  FROM jsonb_array_elements(p."phases") WITH ORDINALITY AS ph(value, ordinality),
       jsonb_array_elements(ph.value->'audiences') WITH ORDINALITY AS a(value, ordinality)
)
WHERE jsonb_typeof(p."phases") = 'array' AND (p."phases"->0) ? 'audiences';

-- Runs copy their pipeline's phases: the same conversion, and each audience state gets the index of
-- its new phase (environments appear once per pipeline); `currentPhase` moves to the first phase of
-- the pipeline phase it pointed at. Audience statuses keep their names (pending, waiting_approval,
-- running, completed, failed, aborted are phase statuses too).
WITH flat AS (
  SELECT r."id",
         ph.ordinality - 1 AS old_phase,
         ph.value->>'name' AS name,
         a.value AS audience,
         a.ordinality AS pos,
         (row_number() OVER (PARTITION BY r."id" ORDER BY ph.ordinality, a.ordinality) - 1)::int AS new_index
  FROM "PipelineRun" r,
       jsonb_array_elements(r."phases") WITH ORDINALITY AS ph(value, ordinality),
       jsonb_array_elements(ph.value->'audiences') WITH ORDINALITY AS a(value, ordinality)
  WHERE jsonb_typeof(r."phases") = 'array' AND (r."phases"->0) ? 'audiences'
)
UPDATE "PipelineRun" r
SET "phases" = (
      SELECT jsonb_agg(jsonb_build_object(
        'name', f.name,
        'environmentKey', f.audience->>'environmentKey',
        'strategy', f.audience->'strategy',
        'requireApproval', coalesce((f.audience->>'requireApproval')::boolean, false),
        'soakMs', 0,
        'turnFlagOn', false,
        'trigger', CASE WHEN f.pos = 1 THEN '{"kind":"previous"}'::jsonb ELSE '{"kind":"with_previous"}'::jsonb END
      ) ORDER BY f.new_index)
      FROM flat f WHERE f."id" = r."id"),
    "audiences" = (
      SELECT coalesce(jsonb_agg(s.value || jsonb_build_object('phase', f.new_index) ORDER BY f.new_index), '[]'::jsonb)
      FROM jsonb_array_elements(r."audiences") AS s(value)
      JOIN flat f ON f."id" = r."id" AND f.audience->>'environmentKey' = s.value->>'environmentKey'),
    "currentPhase" = coalesce(
      (SELECT min(f.new_index) FROM flat f WHERE f."id" = r."id" AND f.old_phase = r."currentPhase"), 0)
WHERE r."id" IN (SELECT "id" FROM flat);
