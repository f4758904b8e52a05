/**
 * Faults from inside PostgreSQL: a trigger that refuses the first writes of a table whose new row
 * matches a condition, so a test can make Gantry's own statement fail at an exact point (a look
 * recording its run, a webhook delivery's insert) with no change to Gantry. The count lives in a
 * sequence, whose value survives the rollback the refusal causes.
 *
 *   const refusals = await installRefusals(g);                       // once per database
 *   await refusals.refuse('fault_x', 'WebhookDelivery', `NEW."event" = 'release.started'`, { on: 'INSERT' });
 *   ...
 *   expect(await refusals.fired('fault_x')).toBe(true);
 */
import type { Gantry } from './app-harness';

export interface Refusals {
  /** Refuses the first `times` UPDATEs (or INSERTs) of `table` whose new row matches `when` (SQL over NEW). */
  refuse(
    name: string,
    table: string,
    when: string,
    options?: { times?: number; on?: 'UPDATE' | 'INSERT' },
  ): Promise<void>;
  /** Whether the trigger named `name` has refused (or let through) a matching write yet. */
  fired(name: string): Promise<boolean>;
}

export async function installRefusals(g: Pick<Gantry, 'sql'>): Promise<Refusals> {
  await g.sql(`CREATE FUNCTION gantry_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval(TG_ARGV[0]::regclass) <= TG_ARGV[1]::int THEN
        RAISE EXCEPTION 'test fault %: the write is refused', TG_ARGV[0];
      END IF;
      RETURN NEW;
    END $$`);
  return {
    async refuse(name, table, when, { times = 1, on = 'UPDATE' } = {}) {
      await g.sql(`CREATE SEQUENCE ${name}`);
      await g.sql(
        `CREATE TRIGGER ${name} BEFORE ${on} ON "${table}" FOR EACH ROW WHEN (${when}) ` +
          `EXECUTE FUNCTION gantry_test_refuse('${name}', '${times}')`,
      );
    },
    async fired(name) {
      return (await g.sql<{ is_called: boolean }>(`SELECT is_called FROM ${name}`))[0].is_called;
    },
  };
}
