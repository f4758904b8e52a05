import { capturedLogger } from './captured-logger.fake';
import { currentRequestId, reportingFailures, runsInRequestContext, withoutRequestContext } from './request-context';

describe('withoutRequestContext', () => {
  it('marks a route in its config, keeping the rest', () => {
    const options = withoutRequestContext({ config: { other: 1 } });
    expect(options.config).toMatchObject({ other: 1 });
    expect(runsInRequestContext(options.config)).toBe(false);
    expect(runsInRequestContext({ other: 1 })).toBe(true);
    expect(runsInRequestContext(undefined)).toBe(true);
  });
});

describe('reportingFailures', () => {
  const boom = new Error('boom');

  it('logs what a handler throws or rejects with, with the request id, and passes it on', async () => {
    const { logger, lines } = capturedLogger();
    const log = (e: unknown) => logger.error((e as Error).message);
    expect(() =>
      reportingFailures(
        'req-1',
        () => {
          throw boom;
        },
        log,
      ),
    ).toThrow(boom);
    await expect(reportingFailures('req-2', () => Promise.reject(boom), log)).rejects.toBe(boom);
    expect(lines.map((l) => [l.msg, l.reqId])).toEqual([
      ['boom', 'req-1'],
      ['boom', 'req-2'],
    ]);
    expect(currentRequestId()).toBeUndefined();
  });

  it('logs nothing and enters no context when the handler succeeds', async () => {
    const { logger, lines } = capturedLogger();
    const log = (e: unknown) => logger.error(String(e));
    let inside: string | undefined = 'unset';
    expect(reportingFailures('req-3', () => void (inside = currentRequestId()), log)).toBeUndefined();
    await reportingFailures('req-4', () => Promise.resolve(), log);
    expect(inside).toBeUndefined();
    expect(lines).toEqual([]);
  });
});
