#!/usr/bin/env node
// Builds the approver console (web/ → dist/web) when it is missing or older than its sources: used by
// `npm start` (build-if-needed.js) and once per test run (test/support/global-setup.ts).
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const marker = path.join(root, 'dist', 'web', 'index.html');

function newest(p) {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let t = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) if (entry !== 'node_modules') t = Math.max(t, newest(path.join(p, entry)));
  return t;
}

function consoleIsStale() {
  if (!fs.existsSync(marker)) return true;
  const sources = Math.max(
    newest(path.join(root, 'web')),
    newest(path.join(root, 'openapi', 'schema.d.ts')),
    newest(path.join(root, 'package-lock.json')),
  );
  return fs.statSync(marker).mtimeMs < sources;
}

function buildConsole() {
  // vite's own entry point through this node: no shell, no npx lookup.
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', 'web', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
}

/** Builds when stale; returns whether it built. */
function ensureConsoleBuilt() {
  if (!consoleIsStale()) return false;
  process.stdout.write('gantry: building the console…\n');
  buildConsole();
  return true;
}

module.exports = { consoleIsStale, buildConsole, ensureConsoleBuilt };

if (require.main === module) {
  if (process.argv.includes('--force')) buildConsole();
  else ensureConsoleBuilt();
}
