/**
 * `npm run migrate -- deploy | status | create <name> | diff`: Prisma Migrate without the native
 * schema-engine binary (see ./migrate.ts). The database comes from DATABASE_URL.
 */
import path from 'node:path';
import { redactUrl } from './database-url';
import {
  createMigration,
  deployMigrations,
  diffSchemaAgainstDatabase,
  ensureDatabase,
  migrationStatus,
  projectRoot,
} from './migrate';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/gantry';

const USAGE = `Usage: npm run migrate -- <command>

  deploy          create the database if missing, then apply pending migrations
  status          list applied and pending migrations (exit 1 unless up to date)
  create <name>   apply pending migrations, then write prisma/migrations/<timestamp>_<name>/migration.sql
                  with the SQL that brings the database to prisma/schema.prisma (not applied)
  diff            print the SQL between the database and prisma/schema.prisma (exit 1 when not empty)

DATABASE_URL defaults to ${DEFAULT_DATABASE_URL}.`;

const log = (message: string): void => console.error(message);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const options = { log };
  const target = redactUrl(databaseUrl);

  switch (command) {
    case 'deploy': {
      if (await ensureDatabase(databaseUrl)) log(`Created database ${target}`);
      const applied = await deployMigrations(databaseUrl, options);
      log(applied.length ? `Applied ${applied.length} migration(s) to ${target}` : `${target} is up to date`);
      return 0;
    }
    case 'status': {
      const status = await migrationStatus(databaseUrl, options);
      console.log(`Database ${target}`);
      for (const name of status.applied) console.log(`  applied  ${name}`);
      for (const name of status.pending)
        console.log(`  ${status.failed.includes(name) ? 'FAILED ' : 'pending'}  ${name}`);
      for (const name of status.unknown)
        console.log(
          `  unknown  ${name} (applied, but not in ${path.relative(process.cwd(), path.join(projectRoot(), 'prisma', 'migrations'))})`,
        );
      if (status.failed.length) {
        console.log(
          `Failed migrations block deploy: fix the database, then mark them rolled back in _prisma_migrations (rolled_back_at = now()).`,
        );
      }
      console.log(status.pending.length ? `${status.pending.length} pending migration(s)` : 'Up to date');
      return status.pending.length || status.failed.length ? 1 : 0;
    }
    case 'create': {
      const name = rest.join('_');
      if (!name) {
        log('create needs a name, e.g. npm run migrate -- create add_flag_owner');
        return 2;
      }
      if (await ensureDatabase(databaseUrl)) log(`Created database ${target}`);
      const file = await createMigration(databaseUrl, name, options);
      if (file) log('Review it, then run: npm run migrate -- deploy');
      return 0;
    }
    case 'diff': {
      const { pending } = await migrationStatus(databaseUrl, options);
      if (pending.length)
        log(`Note: ${pending.length} migration(s) are not applied to ${target}; the diff includes their changes.`);
      const sql = await diffSchemaAgainstDatabase(databaseUrl, options);
      if (!sql) {
        log(`No drift: ${target} matches prisma/schema.prisma`);
        return 0;
      }
      console.log(sql);
      log(`Drift: ${target} differs from prisma/schema.prisma (SQL above)`);
      return 1;
    }
    default:
      log(command && command !== 'help' && command !== '--help' ? `Unknown command '${command}'\n\n${USAGE}` : USAGE);
      return command && command !== 'help' && command !== '--help' ? 2 : 0;
  }
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const { message, code } = error as { message?: string; code?: string };
    const target = redactUrl(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
    console.error(`migrate ${argv[0]} failed on ${target}${code ? ` (${code})` : ''}: ${message ?? String(error)}`);
    process.exitCode = 1;
  },
);
