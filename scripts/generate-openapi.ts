/**
 * Generates openapi/openapi.json from the controllers (conventions §7). The spec is a committed
 * artefact: CI (test/integration/openapi-drift.spec.ts) fails when it no longer matches the code.
 *
 *   npm run openapi      # writes openapi/openapi.json, then openapi-typescript writes openapi/schema.d.ts
 *   node -r ts-node/register/transpile-only scripts/generate-openapi.ts --stdout   # prints it instead
 *
 * The application graph is built in Nest's preview mode: modules and controllers are scanned but no
 * provider is instantiated, so nothing connects to PostgreSQL or Redis and the output depends on the
 * source alone (works offline, same bytes on every machine).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import pino from 'pino';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/infra/config/config';
import { withInstructionComponents } from '../src/infra/http/instruction-schemas';

export const OPENAPI_JSON_PATH = path.join(__dirname, '..', 'openapi', 'openapi.json');

const DESCRIPTION = [
  'Management API of Gantry, a self-hosted feature-management platform.',
  'Authenticate with `Authorization: Bearer <access token>`.',
  'Errors are `application/problem+json` documents with a stable `code`.',
].join(' ');

/** The OpenAPI document of the REST API, with every object's keys sorted (stable diffs). */
export async function generateOpenApiDocument(): Promise<Record<string, unknown>> {
  // The values only shape the module graph (role `all` wires every transport); nothing connects.
  const config = loadConfig({ GANTRY_ROLE: 'all', LOG_LEVEL: 'silent' });
  const logger = pino({ level: 'silent' });
  const app = await NestFactory.create(AppModule.forRoot(config, logger), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    const info = new DocumentBuilder()
      .setTitle('Gantry')
      .setDescription(DESCRIPTION)
      .setVersion(packageVersion())
      .addBearerAuth()
      // The console's session (HttpOnly cookie); every route that takes the bearer token takes it too, with X-CSRF-Token on writes.
      .addCookieAuth('gantry_session', { type: 'apiKey', in: 'cookie', name: 'gantry_session' }, 'session')
      .build();
    const document = withInstructionComponents(SwaggerModule.createDocument(app, info));
    return sortKeys(JSON.parse(JSON.stringify(document))) as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

/** The file content: pretty JSON, 2 spaces, trailing newline. */
export function serializeOpenApiDocument(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Objects get their keys in code-point order; arrays keep their order (it can mean something). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

async function main(): Promise<void> {
  const document = await generateOpenApiDocument();
  if (process.argv.includes('--stdout')) {
    process.stdout.write(serializeOpenApiDocument(document));
    return;
  }
  fs.mkdirSync(path.dirname(OPENAPI_JSON_PATH), { recursive: true });
  fs.writeFileSync(OPENAPI_JSON_PATH, serializeOpenApiDocument(document));
  process.stdout.write(
    `wrote ${path.relative(process.cwd(), OPENAPI_JSON_PATH)} (${Object.keys(document.paths as object).length} paths)\n`,
  );
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`generate-openapi: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
