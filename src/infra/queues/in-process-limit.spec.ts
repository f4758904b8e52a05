import { InProcessLimit } from './in-process-limit';

/** A call that stays in progress until its test lets it end. */
function held() {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { release, done };
}

describe('InProcessLimit', () => {
  it('runs at most `size` calls at once and starts the waiting ones in order as slots free', async () => {
    const limit = new InProcessLimit(2);
    const calls = [held(), held(), held(), held()];
    const started: number[] = [];
    const results = calls.map((c, i) =>
      limit.run(async () => {
        started.push(i);
        await c.done;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    expect(limit.queued).toBe(2);
    calls[1].release();
    await results[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    calls[0].release();
    calls[2].release();
    calls[3].release();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(limit.queued).toBe(0);
  });

  it('frees the slot of a call that throws', async () => {
    const limit = new InProcessLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(limit.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses a size that would let nothing run', () => {
    expect(() => new InProcessLimit(0)).toThrow(RangeError);
    expect(() => new InProcessLimit(1.5)).toThrow(RangeError);
  });
});
