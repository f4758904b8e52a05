// `node -r` hook for the Node processes the integration tests start (the app in app-harness.ts, the
// OpenAPI generator in openapi-drift.spec.ts): compiles .ts files like
// `ts-node/register/transpile-only` (TypeScript's transpileModule with tsconfig.json's options), but
// keeps each output on disk keyed by a hash of the source, so starting the app a dozen times per
// test run compiles the sources once instead of a dozen times (about 1.5 s per start).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'gantry-e2e-ts');
const TSCONFIG = path.join(ROOT, 'tsconfig.json');

const typescriptVersion = JSON.parse(fs.readFileSync(require.resolve('typescript/package.json'), 'utf8')).version;
const salt = sha1(
  [typescriptVersion, fs.readFileSync(TSCONFIG, 'utf8'), fs.readFileSync(__filename, 'utf8')].join('\0'),
);

let ts;
let compilerOptions;

function sha1(text) {
  return crypto.createHash('sha1').update(text).digest('hex');
}

function transpile(source, filename) {
  if (!ts) {
    ts = require('typescript');
    const { config } = ts.readConfigFile(TSCONFIG, ts.sys.readFile);
    compilerOptions = {
      ...ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options,
      module: ts.ModuleKind.CommonJS,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: false,
      declaration: false,
      noEmit: false,
    };
  }
  return ts.transpileModule(source, { fileName: filename, compilerOptions, reportDiagnostics: false }).outputText;
}

function load(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const cached = path.join(CACHE_DIR, `${sha1(`${salt}\0${filename}\0${source}`)}.js`);
  let output;
  try {
    output = fs.readFileSync(cached, 'utf8');
  } catch {
    output = transpile(source, filename);
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Written aside and renamed: parallel processes never read half a file.
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, output);
    fs.renameSync(partial, cached);
  }
  module._compile(output, filename);
}

process.setSourceMapsEnabled(true);
require.extensions['.ts'] = load;
