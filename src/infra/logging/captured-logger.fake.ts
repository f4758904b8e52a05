import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createRootLogger } from './logger';

/** For specs: Gantry's root logger writing into memory, each line parsed back from its JSON. */
export function capturedLogger(level = 'info'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).trim().split('\n')) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createRootLogger(level, stream), lines };
}
