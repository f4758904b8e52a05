/**
 * Concurrent governance writes keep their promises (DESIGN §6): each accepted write is one flag
 * version, one audit entry in a chain that still verifies, and one outbox row — whatever the
 * interleaving.
 *
 * - 8 writers on one flag in one environment, each reading the version and writing with If-Match
 *   (retrying on 412): the versions are exactly 2..41, each once, in the flag's history, the audit
 *   log and the outbox.
 * - 8 writers on 8 flags across two environments with no If-Match, so their transactions overlap
 *   in everything but the rows they lock: the audit chain must not fork (one entry per previous hash).
 */
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok } from '../support/factories';
import { auditOf, flagAuditResource } from '../support/governance';

const WRITERS = 8;
const WRITES_EACH = 5;
const MAX_ATTEMPTS = 200;

describe('concurrent writes', () => {
  let gantry: Gantry;
  let api: ApiClient;

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: 'race', environments: ['staging', 'production'] });
  });
  afterAll(() => gantry?.stop());

  const readProduction = async (flagKey: string) =>
    ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: 'race', flagKey } },
      }),
    ).environments.production;

  /** Writes one toggle against the version it read; on 412 reads again. Returns the version written. */
  async function writeOnce(flagKey: string, stale: { count: number }): Promise<number> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await readProduction(flagKey);
      const { data, error, response } = await api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: 'race', flagKey }, header: { 'if-match': String(current.version) } },
        // The toggle is read from the same version the write is bound to, so it always changes something.
        body: { environmentKey: 'production', instructions: [{ kind: current.on ? 'turnFlagOff' : 'turnFlagOn' }] },
      });
      if (response.status === 412) {
        expect(error?.code).toBe('flag/version_mismatch');
        stale.count++;
        continue;
      }
      expect(response.status).toBe(200);
      return data!.environments.production.version;
    }
    throw new Error(`no write got through in ${MAX_ATTEMPTS} attempts`);
  }

  it(
    `${WRITERS} writers with If-Match on one flag: versions 2..${WRITERS * WRITES_EACH + 1} exactly once, ` +
      'a valid chain, one outbox row per write',
    async () => {
      await factory.flag(api, 'race', { key: 'contested' });
      const stale = { count: 0 };
      const written = (
        await Promise.all(
          Array.from({ length: WRITERS }, async () => {
            const mine: number[] = [];
            for (let i = 0; i < WRITES_EACH; i++) mine.push(await writeOnce('contested', stale));
            return mine;
          }),
        )
      ).flat();

      const total = WRITERS * WRITES_EACH;
      const expected = Array.from({ length: total }, (_, i) => i + 2);
      expect([...written].sort((a, b) => a - b)).toEqual(expected);
      // Writers did collide, or this test proved nothing about concurrency.
      expect(stale.count).toBeGreaterThan(0);
      expect((await readProduction('contested')).version).toBe(total + 1);

      const history = await gantry.sql<{ version: number }>(
        `SELECT v.version FROM "FlagVersion" v
           JOIN "FlagEnvironment" fe ON fe.id = v."flagEnvironmentId"
           JOIN "Flag" f ON f.id = fe."flagId"
           JOIN "Environment" e ON e.id = fe."environmentId"
          WHERE f.key = 'contested' AND e.key = 'production' ORDER BY v.version`,
      );
      expect(history.map((r) => r.version)).toEqual([1, ...expected]);

      const audit = await auditOf(api, flagAuditResource('race', 'production', 'contested'));
      const auditVersions = audit.map((entry) => entry.currentVersion).filter((v): v is number => v !== null && v > 1);
      expect(auditVersions.sort((a, b) => a - b)).toEqual(expected);

      const outbox = await gantry.sql<{ version: number; revision: string }>(
        `SELECT o.version, o.revision::text AS revision FROM "OutboxEvent" o
           JOIN "Environment" e ON e.id = o."environmentId"
          WHERE o.kind = 'flag' AND o.key = 'contested' AND e.key = 'production' ORDER BY o.id`,
      );
      expect(outbox.map((r) => r.version)).toEqual([1, ...expected]);
      // Revisions follow the versions' order: the environment's stream never goes backwards.
      const revisions = outbox.map((r) => BigInt(r.revision));
      expect(revisions.every((r, i) => i === 0 || r > revisions[i - 1])).toBe(true);

      expect(ok(await api.GET('/api/v1/audit-log/verify'))).toMatchObject({ ok: true });
    },
  );

  it('writers on different flags and environments, no If-Match: the audit chain does not fork', async () => {
    const keys = Array.from({ length: WRITERS }, (_, i) => `free-${i}`);
    for (const key of keys) await factory.flag(api, 'race', { key });
    const [{ n: before }] = await gantry.sql<{ n: number }>('SELECT count(*)::int AS n FROM "AuditEntry"');

    await Promise.all(
      keys.map(async (key, i) => {
        const environmentKey = i % 2 === 0 ? 'production' : 'staging';
        for (let n = 0; n < WRITES_EACH; n++) {
          const { response } = await api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
            params: { path: { projectKey: 'race', flagKey: key } },
            body: { environmentKey, instructions: [{ kind: n % 2 === 0 ? 'turnFlagOn' : 'turnFlagOff' }] },
          });
          expect(response.status).toBe(200);
        }
      }),
    );

    const [{ n: after }] = await gantry.sql<{ n: number }>('SELECT count(*)::int AS n FROM "AuditEntry"');
    expect(after - before).toBe(WRITERS * WRITES_EACH);
    // A fork shows as two entries naming the same previous hash.
    const forks = await gantry.sql('SELECT "prevHash" FROM "AuditEntry" GROUP BY "prevHash" HAVING count(*) > 1');
    expect(forks).toEqual([]);
    expect(ok(await api.GET('/api/v1/audit-log/verify'))).toMatchObject({ ok: true, checked: after });
  });
});
