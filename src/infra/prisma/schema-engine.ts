/**
 * Prisma's schema engine (the part behind `prisma migrate` and `prisma migrate diff`) as WebAssembly,
 * talking to PostgreSQL through the pg driver adapter.
 *
 * Why: the `prisma` CLI spawns a native schema-engine binary that it downloads on first use, and this
 * project must build and run with no binary downloads (../shared/notes/prisma-offline.md). The npm
 * package `@prisma/schema-engine-wasm` is the same engine compiled to WASM; it needs four workarounds,
 * all kept in this file:
 *
 * 1. Loading. Its entry `schema_engine.js` imports the `.wasm` file as an ES module, which Node refuses.
 *    We load the glue `schema_engine_bg.js` ourselves, instantiate `schema_engine_bg.wasm` with it as the
 *    import object, then call `__wbg_set_wasm` and `__wbindgen_start` (what the entry would have done).
 *    The glue is an ES module: plain `require` works on Node >= 20.19, but not inside Jest on Node < 24.9
 *    (nor on older Node), so there we evaluate its source with the `export` keywords stripped.
 * 2. OID 18. Catalog queries return PostgreSQL's internal `"char"` type (OID 18), which
 *    @prisma/adapter-pg cannot map ("Column type 'char' could not be deserialized"). Our pg client
 *    relabels such fields as `text` (OID 25) before the adapter sees them; the values are strings anyway.
 * 3. Migration scripts. The adapter's `executeScript` splits the script on every `;` and runs the pieces
 *    one by one over the pool, which breaks any `;` inside a string, comment or function body and makes
 *    a failed migration half-applied. We send the whole script as one simple query instead, as the native
 *    engine does: PostgreSQL then runs it as one implicit transaction.
 * 4. Timers. The engine arms 10 s `setTimeout`s that it never clears; unref'd, they no longer keep the
 *    process alive after the work is done.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as Bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';

export type {
  SchemaEngine,
  MigrationList,
  SchemaFilter,
  SchemaContainer,
} from '@prisma/schema-engine-wasm/schema_engine_bg';

type EngineBindings = typeof Bindings;

const GLUE_MODULE = '@prisma/schema-engine-wasm/schema_engine_bg';
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

let bindingsPromise: Promise<EngineBindings> | undefined;

/** Compiles and starts the WASM module once per process (per module registry under Jest). */
export function loadSchemaEngine(): Promise<EngineBindings> {
  bindingsPromise ??= instantiate().catch((error: unknown) => {
    bindingsPromise = undefined;
    throw error;
  });
  return bindingsPromise;
}

async function instantiate(): Promise<EngineBindings> {
  const gluePath = require.resolve(GLUE_MODULE);
  const glue = loadGlue(gluePath);
  const bytes = await fs.promises.readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
  const imports: Record<string, unknown> = { ...glue };
  for (const name of Object.keys(imports)) {
    if (name.startsWith('__wbg_setTimeout_')) {
      const arm = imports[name] as (callback: () => void, ms: number) => { unref?: () => void };
      imports[name] = (callback: () => void, ms: number) => {
        const timer = arm(callback, ms);
        timer?.unref?.();
        return timer;
      };
    }
  }
  const { instance } = await webAssembly().instantiate(bytes, { './schema_engine_bg.js': imports });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

/** The `WebAssembly` global; the project's `lib` setting (ES2023, no DOM) does not declare it. */
function webAssembly(): {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
} {
  return (globalThis as unknown as { WebAssembly: ReturnType<typeof webAssembly> }).WebAssembly;
}

function loadGlue(gluePath: string): EngineBindings {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(GLUE_MODULE) as EngineBindings;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
    return evaluateGlueSource(gluePath);
  }
}

/** The glue is flat wasm-bindgen output: top-level `export function|class|const` and no imports. */
function evaluateGlueSource(gluePath: string): EngineBindings {
  const names: string[] = [];
  const body = fs
    .readFileSync(gluePath, 'utf8')
    .replace(/^export (function|class|const|let|var) ([A-Za-z_$][\w$]*)/gm, (_match, kind: string, name: string) => {
      names.push(name);
      return `${kind} ${name}`;
    });
  if (/^\s*(import|export)\b/m.test(body) || !names.includes('SchemaEngine')) {
    throw new Error(
      `${gluePath} has an unexpected shape; update src/infra/prisma/schema-engine.ts for this @prisma/schema-engine-wasm version`,
    );
  }
  // A global-scope function, strict like the ES module it replaces.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating the glue is workaround 1
  const glue = new Function(`"use strict";\n${body}\nreturn { ${names.join(', ')} };`) as () => EngineBindings;
  return glue();
}

/** A pg client that reports `"char"` columns as text, so the adapter can map them (workaround 2). */
class CharAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const query = (params: unknown[]) =>
      (pg.Client.prototype.query as (...a: unknown[]) => unknown).apply(this, params);
    const last: unknown = args[args.length - 1];
    if (typeof last === 'function') {
      // Callback style: how pg.Pool#query calls its clients.
      const callback = last as (error: Error | null, result: unknown) => unknown;
      args[args.length - 1] = (error: Error | null, result: unknown) =>
        callback(error, error ? result : relabelCharFields(result));
      return query(args);
    }
    const ret = query(args) as Promise<unknown> | undefined;
    return typeof ret?.then === 'function' ? ret.then(relabelCharFields) : ret;
  }
}

function relabelCharFields<T>(result: T): T {
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of (one as pg.QueryResult | undefined)?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

/** PrismaPg whose adapters run a migration script as one query (workaround 3). */
class WholeScriptPrismaPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    adapter.executeScript = async (script: string): Promise<void> => {
      try {
        await adapter.underlyingDriver().query(script);
      } catch (error) {
        // The adapter's own conversion, so the engine sees the same errors as from any other query.
        (adapter as unknown as { onError(error: unknown): never }).onError(error);
      }
    };
    return adapter;
  }

  override connectToShadowDb(): Promise<never> {
    return Promise.reject(
      new Error('The migrate command never uses a shadow database (it diffs against the live, migrated database)'),
    );
  }
}

export interface SchemaFile {
  /** Absolute path; the engine uses it in messages and as the base for relative paths. */
  path: string;
  content: string;
}

export interface EngineSession {
  readonly engine: SchemaEngine;
  /** Frees the engine and closes its connections. Call it, or the process will not exit. */
  close(): Promise<void>;
}

/** Used when there is no schema file: enough for applying migrations, which needs no data model. */
export const MINIMAL_POSTGRES_SCHEMA = 'datasource db {\n  provider = "postgresql"\n}\n';

/**
 * An engine connected to `databaseUrl`. Prisma 7 schemas carry no URL: the connection comes only from
 * the adapter. `onLog` receives the engine's warnings and errors (its log lines are JSON).
 */
export async function openSchemaEngine(
  databaseUrl: string,
  schema: SchemaFile,
  onLog?: (message: string) => void,
): Promise<EngineSession> {
  const { SchemaEngine: Engine } = await loadSchemaEngine();
  const pool = new pg.Pool({ connectionString: databaseUrl, Client: CharAsTextClient, max: 4 });
  pool.on('error', (error) => onLog?.(`schema engine connection error: ${error.message}`));
  let engine: SchemaEngine;
  try {
    const factory = bindMigrationAwareSqlAdapterFactory(new WholeScriptPrismaPg(pool));
    engine = await Engine.new(
      { datamodels: [[schema.path, schema.content]] },
      (line: string) => forwardLog(line, onLog),
      factory,
    );
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  let closed = false;
  return {
    engine,
    async close() {
      if (closed) return;
      closed = true;
      engine.free();
      // Also ends the session holding the engine's own advisory lock (pg_advisory_lock(72707369)).
      await pool.end();
    },
  };
}

function forwardLog(line: string, onLog?: (message: string) => void): void {
  if (!onLog) return;
  try {
    const entry = JSON.parse(line) as { level?: string; fields?: { message?: string } };
    if (entry.level === 'WARN' || entry.level === 'ERROR')
      onLog(`schema engine ${entry.level}: ${entry.fields?.message ?? line.trim()}`);
  } catch {
    onLog(line.trim());
  }
}
