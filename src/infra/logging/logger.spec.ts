import { capturedLogger } from './captured-logger.fake';
import { PinoNestLogger } from './logger';
import { requestContext } from './request-context';

describe('createRootLogger', () => {
  it('stamps the request id from the async context, once, and redacts credentials', () => {
    const { logger, lines } = capturedLogger();
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
    const { logger, lines } = capturedLogger();
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
