/**
 * The migrations in prisma/migrations must produce exactly prisma/schema.prisma. When this fails after
 * a schema change, author the missing migration: `npm run migrate -- create <name>`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  deployMigrations,
  diffSchemaAgainstDatabase,
  listMigrationFolders,
  pendingMigrations,
  projectRoot,
} from '../../src/infra/prisma/migrate';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const migrationsDir = path.join(projectRoot(), 'prisma', 'migrations');
const schemaPath = path.join(projectRoot(), 'prisma', 'schema.prisma');

describe('prisma migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('deploy applies every migration folder once, recording them like prisma migrate deploy', async () => {
    const folders = listMigrationFolders(migrationsDir);
    expect(folders.length).toBeGreaterThan(0);
    expect(await pendingMigrations(db.url)).toEqual(folders);

    expect(await deployMigrations(db.url)).toEqual(folders);
    expect(await pendingMigrations(db.url)).toEqual([]);
    expect(await deployMigrations(db.url)).toEqual([]);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT migration_name, applied_steps_count, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows).toEqual(folders.map((name) => ({ migration_name: name, applied_steps_count: 1, finished: true })));
    } finally {
      await client.end();
    }
  });

  it('produce exactly schema.prisma (no drift)', async () => {
    const drift = await diffSchemaAgainstDatabase(db.url);
    if (drift) {
      throw new Error(
        'prisma/schema.prisma and prisma/migrations disagree. ' +
          `Create a migration with \`npm run migrate -- create <name>\`. Missing SQL:\n${drift}`,
      );
    }
    expect(drift).toBe('');
  });

  it('the drift check notices a model that has no migration', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-drift-'));
    const changedSchema = path.join(dir, 'schema.prisma');
    const extraModel = '\nmodel DriftProbe {\n  id    Int    @id @default(autoincrement())\n  label String\n}\n';
    fs.writeFileSync(changedSchema, fs.readFileSync(schemaPath, 'utf8') + extraModel);
    try {
      const drift = await diffSchemaAgainstDatabase(db.url, { schemaPath: changedSchema, migrationsDir });
      expect(drift).toContain('CREATE TABLE "DriftProbe"');
      expect(drift).not.toMatch(/"Flag"|"Member"/); // only the difference, not the whole schema
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
