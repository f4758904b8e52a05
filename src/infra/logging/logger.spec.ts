import { Writable } from 'node:stream';
import { createRootLogger } from './logger';
import { requestContext } from './request-context';

/** Captures what the logger writes, one parsed JSON object per line. */
function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(
        ...String(chunk)
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      );
      done();
    },
  });
  const logger = createRootLogger(level, stream);
  return { logger, lines };
}

describe('createRootLogger', () => {
  it('stamps the request id from the async context, once, and redacts credentials', () => {
    const { logger, lines } = capture();
    requestContext.run({ requestId: 'req-1' }, () => {
      logger.info({ req: { headers: { authorization: 'Bearer gnt_secret' } } }, 'inside');
      logger.child({ reqId: 'req-1' }).info('child');
    });
    logger.info({ token: 'gnt_secret' }, 'outside');
    expect(lines.map((l) => [l.msg, l.reqId])).toEqual([
      ['inside', 'req-1'],
      ['child', 'req-1'],
      ['outside', undefined],
    ]);
    expect(JSON.stringify(lines)).not.toContain('gnt_secret');
  });
});
