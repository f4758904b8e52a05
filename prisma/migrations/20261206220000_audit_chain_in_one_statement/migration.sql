-- An audit append in one statement: an INSERT with "prevHash" NULL and the entry's content digest
-- in "hash" is chained here, inside the statement, instead of by the writer in two statements.
-- The trigger takes the chain's advisory lock (the same key the two-statement append uses, so
-- processes of either version can append side by side), reads the head with a snapshot taken
-- after the lock (a VOLATILE function's queries each take a fresh one: the entry its predecessor
-- committed while it waited is seen, so the chain cannot fork), takes the id under the lock (ids
-- stay in chain order), and sets prevHash and hash = sha256(prevHash || digest) as before.
-- An INSERT that brings its own prevHash is left alone.
CREATE FUNCTION "gantry_chain_audit_entry"() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  prev text;
BEGIN
  IF NEW."prevHash" IS NOT NULL THEN
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(7210001);
  SELECT "hash" INTO prev FROM "AuditEntry" ORDER BY "id" DESC LIMIT 1;
  NEW."id" := nextval(pg_get_serial_sequence('"AuditEntry"', 'id'));
  NEW."prevHash" := COALESCE(prev, repeat('0', 64));
  NEW."hash" := encode(sha256(convert_to(NEW."prevHash" || NEW."hash", 'UTF8')), 'hex');
  RETURN NEW;
END
$$;

CREATE TRIGGER "AuditEntry_chain" BEFORE INSERT ON "AuditEntry"
  FOR EACH ROW EXECUTE FUNCTION "gantry_chain_audit_entry"();
