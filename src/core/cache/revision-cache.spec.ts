import { RevisionCache } from './revision-cache';

/** Loaders that record which of them ran. */
const loader = () => {
  const calls: string[] = [];
  return {
    calls,
    load: (v: string) => () => {
      calls.push(v);
      return Promise.resolve(v);
    },
  };
};

describe('RevisionCache', () => {
  it('answers a lookup at the revision it holds from memory, and reads again at another', async () => {
    const cache = new RevisionCache<string>();
    const l = loader();
    expect(await cache.get('p', 3n, l.load('a'))).toBe('a');
    expect(await cache.get('p', 3n, l.load('b'))).toBe('a');
    expect(await cache.get('p', 4n, l.load('c'))).toBe('c');
    expect(await cache.get('p', 4n, l.load('d'))).toBe('c');
    expect(l.calls).toEqual(['a', 'c']);
  });

  it('never replaces an entry with one of an older revision', async () => {
    const cache = new RevisionCache<string>();
    const l = loader();
    await cache.get('p', 5n, l.load('five'));
    expect(await cache.get('p', 4n, l.load('four'))).toBe('four');
    expect(await cache.get('p', 5n, l.load('again'))).toBe('five');
    expect(l.calls).toEqual(['five', 'four']);
  });

  it('keeps nothing for a caller without a revision', async () => {
    const cache = new RevisionCache<string>();
    const l = loader();
    await cache.get('p', undefined, l.load('x'));
    await cache.get('p', undefined, l.load('y'));
    expect(l.calls).toEqual(['x', 'y']);
  });

  it('keys are separate, and the oldest key goes first when full', async () => {
    const cache = new RevisionCache<string>(2);
    const l = loader();
    await cache.get('a', 1n, l.load('a1'));
    await cache.get('b', 1n, l.load('b1'));
    await cache.get('c', 1n, l.load('c1'));
    expect(await cache.get('b', 1n, l.load('b2'))).toBe('b1');
    expect(await cache.get('a', 1n, l.load('a2'))).toBe('a2');
    expect(l.calls).toEqual(['a1', 'b1', 'c1', 'a2']);
  });
});
