/**
 * The console's static files at /ui over HTTP: deep links get the app, hashed assets are cached for
 * good, every response carries the security headers, nothing outside dist/web can be reached, and
 * without a build /ui says how to build it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGantry, type Gantry } from '../../support/app-harness';

const CSP = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

let gantry: Gantry;
beforeAll(async () => {
  gantry = await startGantry();
});
afterAll(async () => {
  await gantry?.stop();
});

/** The hashed script index.html loads (read from the page, as a browser would). */
async function scriptPath(): Promise<string> {
  const page = await gantry.raw('GET', '/ui/');
  const src = /<script type="module" crossorigin src="([^"]+)"/.exec(page.text)?.[1];
  if (!src) throw new Error(`no module script in index.html:\n${page.text}`);
  return src;
}

describe('the console at /ui', () => {
  it('serves index.html for /ui, /ui/ and deep links, without auth and without data', async () => {
    for (const p of [
      '/ui',
      '/ui/',
      '/ui/change-requests/7d6f4f38-4b8e-4c65-9d2f-2a9e6c1f0b11',
      '/ui/projects/web/flags/checkout.v2',
    ]) {
      const res = await gantry.raw('GET', p);
      expect({ p, status: res.status }).toEqual({ p, status: 200 });
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.text).toContain('<div id="root"></div>');
      // Static shell only: no token, member or project data in what an anonymous request gets.
      expect(res.text).not.toContain(gantry.ownerToken);
      expect(res.text).not.toMatch(/owner|@|csrf/i);
    }
  });

  it('sends the security headers', async () => {
    for (const p of ['/ui/', await scriptPath(), '/ui/assets/missing-0000.js']) {
      const res = await gantry.raw('GET', p);
      expect(res.headers.get('content-security-policy')).toBe(CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
    }
  });

  it('caches hashed assets for a year as immutable, and 404s a missing asset instead of serving the page', async () => {
    const script = await gantry.raw('GET', await scriptPath());
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const missing = await gantry.raw('GET', '/ui/assets/missing-0000.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.body.code).toBe('route/not_found');
  });

  it('refuses paths that climb out of the build directory, raw or encoded', async () => {
    const pkg = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8');
    for (const p of [
      '/ui/../package.json',
      '/ui/../../package.json',
      '/ui/%2e%2e/package.json',
      '/ui/%2E%2E/%2E%2E/package.json',
      '/ui/assets/..%2f..%2f..%2fpackage.json',
      '/ui/..%5c..%5cpackage.json',
      '/ui/assets/%2e%2e%2findex.html',
    ]) {
      const res = await gantry.raw('GET', p);
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
      expect(res.body.code).toBe('route/not_found');
      expect(res.text).not.toContain('"devDependencies"');
      expect(pkg).toContain('"devDependencies"');
    }
  });

  it('redirects / to /ui/', async () => {
    const res = await gantry.raw('GET', '/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/ui/');
  });

  it('leaves the API protected: the console being public opens nothing else', async () => {
    const res = await gantry.raw('GET', '/api/v1/projects');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth/unauthenticated');
  });
});

describe('the console when it is not built', () => {
  let unbuilt: Gantry;
  let emptyDir: string;
  beforeAll(async () => {
    emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-no-console-'));
    unbuilt = await startGantry({ env: { GANTRY_CONSOLE_DIR: emptyDir } });
  });
  afterAll(async () => {
    await unbuilt?.stop();
    fs.rmSync(emptyDir, { recursive: true, force: true });
  });

  it('answers 503 console/not_built saying how to build it, on /ui and deep links', async () => {
    for (const p of ['/ui', '/ui/change-requests/1']) {
      const res = await unbuilt.raw('GET', p);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'console/not_built', title: 'Console not built', status: 503 });
      expect(res.body.detail).toContain('npm run build');
    }
  });
});
