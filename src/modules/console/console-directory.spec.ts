import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DomainError } from '../../core/errors';
import { ConsoleDirectory, relativePath } from './console-directory';

describe('relativePath', () => {
  it.each([
    ['/ui', ''],
    ['/ui/', ''],
    ['/ui/assets/index-abc.js?v=1', 'assets/index-abc.js'],
    ['/ui/projects/p%20x/flags/checkout.v2', 'projects/p x/flags/checkout.v2'],
  ])('%s is %s', (url, rel) => expect(relativePath(url)).toBe(rel));

  it.each([
    '/ui/../package.json',
    '/ui/%2e%2e/package.json',
    '/ui/assets/..%2f..%2fpackage.json',
    '/ui/./index.html',
    '/ui/..%5cpackage.json',
    '/ui/a%00b',
    '/ui/%E0%A4%A',
    '/uix/index.html',
  ])('refuses %s', (url) => expect(relativePath(url)).toBeUndefined());
});

describe('ConsoleDirectory', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-console-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const build = () => {
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
  };
  const codeOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as DomainError).code;

  it('answers console/not_built while there is no index.html', async () => {
    const files = new ConsoleDirectory(dir);
    await expect(codeOf(files.lookup('/ui/'))).resolves.toBe('console/not_built');
    build();
    await expect(files.lookup('/ui/')).resolves.toMatchObject({ contentType: 'text/html; charset=utf-8' });
  });

  it('serves hashed assets as immutable, index.html and other files as no-cache', async () => {
    build();
    const files = new ConsoleDirectory(dir);
    const asset = await files.lookup('/ui/assets/index-abc.js');
    expect(asset).toMatchObject({
      contentType: 'text/javascript; charset=utf-8',
      cacheControl: 'public, max-age=31536000, immutable',
    });
    expect(asset.body.toString()).toBe('console.log(1)');
    await expect(files.lookup('/ui/favicon.svg')).resolves.toMatchObject({
      contentType: 'image/svg+xml',
      cacheControl: 'no-cache',
    });
  });

  it('answers deep links (keys with dots too) with index.html, and missing files with 404', async () => {
    build();
    const files = new ConsoleDirectory(dir);
    for (const url of ['/ui/change-requests/123', '/ui/projects/p/flags/checkout.v2', '/ui/audit'])
      expect((await files.lookup(url)).body.toString()).toContain('<title>console</title>');
    await expect(codeOf(files.lookup('/ui/assets/gone.js'))).resolves.toBe('route/not_found');
    await expect(codeOf(files.lookup('/ui/robots.txt'))).resolves.toBe('route/not_found');
    await expect(codeOf(files.lookup('/ui/%2e%2e/package.json'))).resolves.toBe('route/not_found');
  });

  it('never serves a file outside the build directory, even one named like a listed path', async () => {
    build();
    fs.writeFileSync(path.join(dir, '..', `secret-${path.basename(dir)}.txt`), 'secret');
    const files = new ConsoleDirectory(dir);
    await expect(codeOf(files.lookup(`/ui/..%2fsecret-${path.basename(dir)}.txt`))).resolves.toBe('route/not_found');
    fs.rmSync(path.join(dir, '..', `secret-${path.basename(dir)}.txt`));
  });
});
