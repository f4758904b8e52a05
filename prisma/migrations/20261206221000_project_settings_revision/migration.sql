-- A counter of changes to what every targeting write of a project checks besides the flag itself:
-- its guardrail policies and freeze windows. Triggers bump it in the transaction of each change, so
-- no code path can change them without it; a write that reads the counter under its flag lock can
-- use copies of the lists read at that counter instead of reading both lists again.
ALTER TABLE "Project" ADD COLUMN "settingsRevision" BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION "gantry_bump_project_settings"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE "Project" SET "settingsRevision" = "settingsRevision" + 1 WHERE "id" = OLD."projectId";
  END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW."projectId" IS DISTINCT FROM OLD."projectId") THEN
    UPDATE "Project" SET "settingsRevision" = "settingsRevision" + 1 WHERE "id" = NEW."projectId";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "GuardrailPolicy_settings_revision" AFTER INSERT OR UPDATE OR DELETE ON "GuardrailPolicy"
  FOR EACH ROW EXECUTE FUNCTION "gantry_bump_project_settings"();
CREATE TRIGGER "FreezeWindow_settings_revision" AFTER INSERT OR UPDATE OR DELETE ON "FreezeWindow"
  FOR EACH ROW EXECUTE FUNCTION "gantry_bump_project_settings"();
