import { Writable } from 'node:stream';
import { createRootLogger, PinoNestLogger } from './logger';
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

describe('PinoNestLogger', () => {
  it('writes an object message as fields of one structured line, and a string as the message', () => {
    const { logger, lines } = capture();
    const nest = new PinoNestLogger(logger);
    nest.log({ msg: 'session started', sessionId: 's-1' }, 'Sessions');
    nest.warn('plain words', 'Other');
    nest.error(new Error('boom'), 'trace here', 'Failing');
    expect(lines.map((l) => [l.msg, l.context, l.sessionId])).toEqual([
      ['session started', 'Sessions', 's-1'],
      ['plain words', 'Other', undefined],
      ['boom', 'Failing', undefined],
    ]);
  });
});
