#!/usr/bin/env node
// The `gantry` CLI. Runs the compiled dist/cli/main.js when it exists and is newer than every file of
// src/cli (a production install, or after `npm run build`); otherwise the TypeScript sources, compiled
// transpile-only as `npm run migrate` does. In a clone, that is the e2e harness's hook
// (test/support/ts-register-cached.js: TypeScript's transpileModule, each output kept on disk by the
// source's hash), which starts in about 0.3 s instead of ts-node's 1.5-2 s; ts-node when it is absent.
// src/cli and src/core are compared: config-as-code runs core's pure code (src/core/config-as-code, patch,
// approval) in the CLI; nothing else from src/ is imported at run time (openapi/ gives types only).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'cli', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function entryPoint() {
  const sources = path.join(root, 'src', 'cli');
  let compiledTime = 0;
  try {
    compiledTime = fs.statSync(compiled).mtimeMs;
  } catch {
    // not built
  }
  if (!fs.existsSync(sources)) return compiled; // a package without sources: dist only
  const newestSource = Math.max(newestMtime(sources), newestMtime(path.join(root, 'src', 'core')));
  if (compiledTime > 0 && compiledTime >= newestSource) return compiled;
  const cachedHook = path.join(root, 'test', 'support', 'ts-register-cached.js');
  require(fs.existsSync(cachedHook) ? cachedHook : 'ts-node/register/transpile-only');
  return path.join(sources, 'main.ts');
}

require(entryPoint())
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`gantry: ${error && error.stack ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
