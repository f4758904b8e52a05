import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CATALOGUE, ERROR_CODES, isErrorCode } from '../../core/error-catalogue';
import { AUTHENTICATED, JSON_BODY } from './problem-groups';

/**
 * Every route declares the problem codes it answers with (@Problems), checked on the committed
 * OpenAPI document: test/integration/openapi-drift.spec.ts keeps that file equal to what the
 * controllers generate (Nest itself cannot be loaded in jest's CommonJS runtime).
 */
interface Operation {
  security?: unknown[];
  responses: Record<string, { 'x-problem-codes'?: string[] }>;
}
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'openapi', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { enum?: string[]; properties?: Record<string, unknown> }> };
};
const operations = Object.entries(spec.paths).flatMap(([route, item]) =>
  Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${route}`, method, route, op })),
);
const codesOf = (op: Operation, status?: string): string[] =>
  Object.entries(op.responses)
    .filter(([s]) => status === undefined || s === status)
    .flatMap(([, r]) => r['x-problem-codes'] ?? []);

describe('problem codes in the OpenAPI document', () => {
  it('publishes the catalogue as the ProblemCode enum', () => {
    expect(spec.components.schemas.ProblemCode.enum).toEqual(ERROR_CODES);
    expect(spec.components.schemas.ProblemDto.properties?.code).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/ProblemCode' }],
    });
  });

  it('has a @Problems declaration on every route', () => {
    expect(operations.length).toBeGreaterThan(90);
    expect(operations.filter(({ op }) => !codesOf(op).includes('internal')).map((o) => o.name)).toEqual([]);
  });

  it('names the 4xx codes of every API route', () => {
    const without = operations.filter(
      ({ route, op }) =>
        route.startsWith('/api/') && !Object.keys(op.responses).some((s) => /^4\d\d$/.test(s) && codesOf(op, s).length),
    );
    expect(without.map((o) => o.name)).toEqual([]);
  });

  it('lists each code under its catalogue status', () => {
    const misplaced = operations.flatMap(({ name, op }) =>
      Object.keys(op.responses).flatMap((status) =>
        codesOf(op, status)
          .filter((code) => !isErrorCode(code) || String(ERROR_CATALOGUE[code].status) !== status)
          .map((code) => `${name} ${status} ${code}`),
      ),
    );
    expect(misplaced).toEqual([]);
  });

  it('gives every route behind a token the 401s of the auth guard', () => {
    const missing = operations
      .filter(({ op }) => op.security?.some((s) => typeof s === 'object' && s !== null && 'bearer' in s))
      .filter(({ op }) => !AUTHENTICATED.every((code) => codesOf(op).includes(code)));
    expect(missing.map((o) => o.name)).toEqual([]);
  });

  it('gives every route that reads a body the codes of parsing and validating it', () => {
    const missing = operations
      .filter(({ route, method }) => route.startsWith('/api/') && ['post', 'put', 'patch'].includes(method))
      .filter(({ op }) => !JSON_BODY.every((code) => codesOf(op).includes(code)));
    expect(missing.map((o) => o.name)).toEqual([]);
  });
});
