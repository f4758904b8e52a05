#!/usr/bin/env node
// `npm start` builds first when dist/ is missing or older than any source file, so a fresh clone
// starts with one command and an unchanged tree starts without a rebuild.
const fs = require('node:fs');
const path = require('node:path');
const { execSync } = require('node:child_process');
const { ensureConsoleBuilt } = require('./console-build');

const root = path.join(__dirname, '..');
const marker = path.join(root, 'dist', 'main.js');

function newest(dir) {
  let t = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'generated' || entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(
  newest(path.join(root, 'src')),
  fs.statSync(path.join(root, 'prisma', 'schema.prisma')).mtimeMs,
  fs.statSync(path.join(root, 'package-lock.json')).mtimeMs,
);
if (!fs.existsSync(marker) || fs.statSync(marker).mtimeMs < sources) {
  process.stdout.write('gantry: building…\n');
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
} else {
  // The server is current; the console (web/ → dist/web) may still be stale on its own.
  ensureConsoleBuilt();
}
