import { RecentReads } from './recent-reads';

describe('RecentReads', () => {
  it('answers a key within its TTL and forgets it after', () => {
    const reads = new RecentReads<string>(1_000);
    reads.set('a', 'first', 10_000);
    expect(reads.get('a', 10_999)).toBe('first');
    expect(reads.get('a', 11_000)).toBeUndefined();
    expect(reads.get('a', 10_500)).toBeUndefined(); // forgotten, not only hidden
  });

  it('keeps the latest value of a key, and drops the oldest key beyond its size', () => {
    const reads = new RecentReads<number>(1_000, 2);
    reads.set('a', 1, 0);
    reads.set('b', 2, 0);
    reads.set('a', 3, 1); // refreshed: now the newest
    reads.set('c', 4, 2); // b, the oldest, goes
    expect([reads.get('a', 2), reads.get('b', 2), reads.get('c', 2)]).toEqual([3, undefined, 4]);
  });

  it('forgets a deleted key', () => {
    const reads = new RecentReads<number>(1_000);
    reads.set('a', 1, 0);
    reads.delete('a');
    expect(reads.get('a', 1)).toBeUndefined();
  });
});
