import fs from 'node:fs';
import path from 'node:path';

/**
 * src/core is importable by anything (benchmarks, workers, tests) without booting Nest: it may not
 * import frameworks, drivers or I/O modules (conventions §2). This is the lint rule that enforces it.
 */
const FORBIDDEN =
  /from\s+['"](?:@nestjs\/|@prisma\/|(?:bullmq|ioredis|redis|pg|node:fs|fs|node:net|net|node:http|http)['"/])/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

describe('src/core purity', () => {
  it('imports no framework, driver or I/O module', () => {
    const offenders = sources(__dirname).flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => FORBIDDEN.test(line))
        .map((line) => `${path.relative(__dirname, file)}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it('would catch a forbidden import', () => {
    expect(FORBIDDEN.test("import { Injectable } from '@nestjs/common';")).toBe(true);
    expect(FORBIDDEN.test("import fs from 'node:fs';")).toBe(true);
    expect(FORBIDDEN.test("import { x } from './errors';")).toBe(false);
  });
});
