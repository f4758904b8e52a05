-- Project.settingsRevision now also counts changes to the project's own row and to its environments
-- (created, deleted, renamed, re-tagged, approval settings...): everything a flag write reads of its
-- project. A write may then start from a project read earlier (ProjectsService.requireForWrite) and
-- read it again in its transaction only when the revision it reads under its flag lock has moved.
--
-- An update of the revision alone is not a change of the project: the triggers that bump it (this
-- one included) change nothing else, and the outbox's UPDATE of Environment.revision (once per
-- committed flag or segment write) changes nothing else either.
CREATE FUNCTION "gantry_bump_project_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."settingsRevision" := OLD."settingsRevision" + 1;
  RETURN NEW;
END
$$;

CREATE TRIGGER "Project_settings_revision" BEFORE UPDATE ON "Project"
  FOR EACH ROW WHEN (OLD."settingsRevision" = NEW."settingsRevision")
  EXECUTE FUNCTION "gantry_bump_project_row"();

CREATE TRIGGER "Environment_settings_revision_insert_delete" AFTER INSERT OR DELETE ON "Environment"
  FOR EACH ROW EXECUTE FUNCTION "gantry_bump_project_settings"();
CREATE TRIGGER "Environment_settings_revision_update" AFTER UPDATE ON "Environment"
  FOR EACH ROW WHEN (OLD."revision" = NEW."revision")
  EXECUTE FUNCTION "gantry_bump_project_settings"();
