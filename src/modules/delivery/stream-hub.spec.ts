import { PassThrough } from 'node:stream';
import { MAX_QUEUED_BYTES, StreamHub, type Stream } from './stream-hub';

/** A stand-in for an HTTP response whose socket buffer we can fill (nobody reads it). */
function fakeResponse() {
  const written: string[] = [];
  const out = new PassThrough({ highWaterMark: 16 });
  const write = out.write.bind(out);
  return Object.assign(out, {
    written,
    write: (t: string) => {
      written.push(t);
      return write(t);
    },
  });
}

describe('StreamHub', () => {
  it('writes an event to the streams of its environment only', () => {
    const hub = new StreamHub();
    const [resA, resB] = [fakeResponse(), fakeResponse()];
    const a: Stream = { environmentId: 'e1', sdkKey: 'k1', res: resA };
    const b: Stream = { environmentId: 'e2', sdkKey: 'k2', res: resB };
    hub.add(a);
    hub.add(b);
    expect(hub.broadcast('e1', 'event: patch\n\n')).toBe(1);
    expect(resA.written).toEqual(['event: patch\n\n']);
    expect(resB.written).toEqual([]);
    hub.remove(a);
    expect(hub.size).toBe(1);
    expect(hub.broadcast('e1', 'x')).toBe(0);
  });

  it('disconnects a client that does not read once its queue passes the limit', () => {
    let slow = 0;
    const hub = new StreamHub(() => (slow += 1));
    const res = fakeResponse();
    const s: Stream = { environmentId: 'e1', sdkKey: 'k1', res };
    hub.add(s);
    const chunk = 'x'.repeat(64 * 1024);
    let writes = 0;
    while (!res.destroyed && writes < 100) {
      hub.broadcast('e1', chunk);
      writes += 1;
    }
    expect(res.destroyed).toBe(true);
    expect(slow).toBe(1);
    // Bounded: it stopped accepting within the limit plus one event.
    expect(writes * chunk.length).toBeLessThanOrEqual(MAX_QUEUED_BYTES + 2 * chunk.length);
  });

  it('closes the streams opened with a key that no longer opens their environment', () => {
    const hub = new StreamHub();
    const old: Stream = { environmentId: 'e1', sdkKey: 'old', res: fakeResponse() };
    const current: Stream = { environmentId: 'e1', sdkKey: 'new', res: fakeResponse() };
    hub.add(old);
    hub.add(current);
    expect(hub.closeWhere((s) => s.sdkKey === 'old')).toBe(1);
    expect(hub.size).toBe(1);
    expect(old.res.writableEnded).toBe(true);
    expect(hub.broadcast('e1', 'x')).toBe(1);
  });

  it('drops a stream when its response closes or fails, whoever ends it', async () => {
    const hub = new StreamHub();
    const [closed, failed, open] = [fakeResponse(), fakeResponse(), fakeResponse()];
    for (const res of [closed, failed, open]) hub.add({ environmentId: 'e1', sdkKey: 'k', res });
    closed.destroy();
    failed.emit('error', new Error('reset'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(hub.size).toBe(1);
    expect(hub.broadcast('e1', 'x')).toBe(1);
    expect(open.written).toEqual(['x']);
    expect(failed.written).toEqual([]);
  });
});
