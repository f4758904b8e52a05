import { HttpException } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { toProblem } from './problem';

// @nestjs/common is ES modules only, which jest's CommonJS runtime cannot load: a stand-in with the
// two methods toProblem reads.
jest.mock('@nestjs/common', () => ({
  HttpException: class extends Error {
    constructor(
      private readonly response: string | object,
      private readonly status: number,
    ) {
      super(typeof response === 'string' ? response : 'Http Exception');
    }
    getStatus() {
      return this.status;
    }
    getResponse() {
      return this.response;
    }
  },
}));

describe('toProblem', () => {
  it('renders a DomainError with the status and title of its code', () => {
    expect(toProblem(new DomainError('flag/version_mismatch', 'If-Match 3 does not match 4'))).toEqual({
      type: 'https://gantry.dev/problems/flag/version_mismatch',
      title: 'Flag version mismatch',
      status: 412,
      detail: 'If-Match 3 does not match 4',
      code: 'flag/version_mismatch',
    });
    const withErrors = toProblem(new DomainError('patch/invalid_instruction', 'bad', [{ index: 0, reason: 'bad' }]));
    expect(withErrors).toMatchObject({ status: 400, title: 'Invalid instruction', errors: [{ index: 0 }] });
  });

  it('maps Nest exceptions to the codes of their status', () => {
    expect(toProblem(new HttpException({ message: ['name must be a string'] }, 400))).toMatchObject({
      status: 400,
      code: 'request/invalid',
      title: 'Invalid request',
      errors: [{ field: 'name', reason: 'name must be a string' }],
    });
    expect(toProblem(new HttpException('Cannot GET /nope', 404))).toMatchObject({
      status: 404,
      code: 'route/not_found',
      title: 'Route not found',
    });
  });

  it("keeps a framework status Gantry has no code for, with the status's generic title", () => {
    expect(toProblem(new HttpException('no', 406))).toMatchObject({
      status: 406,
      code: 'request/invalid',
      title: 'Not Acceptable',
    });
  });

  it("maps Fastify's parse errors", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(toProblem(tooLarge)).toMatchObject({
      status: 413,
      code: 'request/too_large',
      title: 'Request body too large',
    });
    const badJson = Object.assign(new SyntaxError('Unexpected end of JSON input'), { statusCode: 400 });
    expect(toProblem(badJson)).toMatchObject({ status: 400, code: 'request/malformed_json' });
  });

  it('refuses with 503 unavailable what a slow database rolled back (a Prisma transaction timeout)', () => {
    const expired = Object.assign(
      new Error('Transaction API error: A commit cannot be executed on an expired transaction.'),
      { code: 'P2028' },
    );
    expect(toProblem(expired)).toMatchObject({ status: 503, code: 'unavailable', title: 'Service unavailable' });
  });

  it('hides anything else behind a 500 internal', () => {
    expect(toProblem(new Error('secret detail'))).toEqual({
      type: 'https://gantry.dev/problems/internal',
      title: 'Internal error',
      status: 500,
      detail: 'an unexpected error occurred; see the server log for the request id',
      code: 'internal',
    });
  });
});
