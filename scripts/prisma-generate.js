#!/usr/bin/env node
// `prisma generate` is pure WASM, but the CLI first tries to download the native schema-engine
// (impossible here). Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file stops the download;
// generate never executes it. See ../shared/notes/prisma-offline.md.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const cli = require.resolve('prisma/build/index.js');
const res = spawnSync(
  process.execPath,
  [cli, 'generate', '--schema', path.join(__dirname, '..', 'prisma', 'schema.prisma')],
  { stdio: ['ignore', 'pipe', 'inherit'], env },
);
if (res.status !== 0) {
  process.stdout.write(res.stdout);
  process.exit(res.status ?? 1);
}
