import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CATALOGUE, ERROR_CODES, isErrorCode, type ErrorCode } from './error-catalogue';
import { README_PATH, withErrorCatalogue } from '../../scripts/generate-error-docs';
import { DomainError, isError, notFound } from './errors';

const SRC = path.join(__dirname, '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

describe('the error catalogue', () => {
  it('gives every code an error status and a title', () => {
    for (const code of ERROR_CODES) {
      const { status, title } = ERROR_CATALOGUE[code];
      expect([code, status >= 400 && status < 600]).toEqual([code, true]);
      expect([code, title.length > 0 && title.length <= 40 && title[0] === title[0].toUpperCase()]).toEqual([
        code,
        true,
      ]);
      expect(code).toMatch(/^(?:[a-z_]+\/[a-z_]+|internal|unavailable)$/);
    }
    expect(isErrorCode('flag/not_found')).toBe(true);
    expect(isErrorCode('flag/not_fond')).toBe(false);
  });

  // A code only some table knows about is a promise the API never keeps; drop it or throw it.
  it('lists only codes that something in src answers with', () => {
    const text = sources(SRC)
      .filter((file) => path.basename(file) !== 'error-catalogue.ts')
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n');
    const produced = (code: ErrorCode): boolean => {
      if (text.includes(`'${code}'`) || text.includes(`\`${code}\``)) return true;
      const [kind, what] = code.split('/');
      // notFound('flag', key) and rethrowDuplicate('flag', key) build `${kind}/not_found`, `${kind}/already_exists`.
      if (what === 'not_found') return text.includes(`notFound('${kind}'`);
      if (what === 'already_exists') return text.includes(`rethrowDuplicate('${kind}'`);
      return false;
    };
    expect(ERROR_CODES.filter((code) => !produced(code))).toEqual([]);
  });

  it("is the README's Error catalogue table (else run `npm run openapi` and commit README.md)", () => {
    const readme = fs.readFileSync(README_PATH, 'utf8');
    expect(readme).toBe(withErrorCatalogue(readme));
  });
});

describe('DomainError', () => {
  it('takes its status from the catalogue', () => {
    expect(new DomainError('flag/not_found', 'x').status).toBe(404);
    expect(new DomainError('flag/archived', 'x').status).toBe(409);
    expect(new DomainError('trigger/rate_limited', 'x').status).toBe(429);
    const e = notFound('segment', 'beta');
    expect(e).toMatchObject({ code: 'segment/not_found', status: 404, message: "segment 'beta' was not found" });
  });

  it('is matched by code with isError', () => {
    const e: unknown = new DomainError('change_request/no_change', 'nothing');
    expect(isError(e, 'change_request/no_change')).toBe(true);
    expect(isError(e, 'release/no_change', 'change_request/no_change')).toBe(true);
    expect(isError(e, 'release/no_change')).toBe(false);
    expect(isError(new Error('change_request/no_change'), 'change_request/no_change')).toBe(false);
  });

  it('refuses, at compile time, a code outside the catalogue', () => {
    // Type-level: `tsc` (npm run typecheck) fails if a line marked @ts-expect-error compiles. Never called.
    const compileOnly = (err: unknown) => [
      // @ts-expect-error a typo in a code
      new DomainError('flag/not_fond', 'x'),
      // @ts-expect-error a status is no longer the call site's to choose
      new DomainError('flag/not_found', 404, 'x'),
      // @ts-expect-error notFound only takes kinds that have a `<kind>/not_found` code
      notFound('flagg', 'x'),
      // @ts-expect-error isError compares catalogue members only
      isError(err, 'flag/not_fond'),
    ];
    expect(compileOnly).toBeInstanceOf(Function);
  });
});
