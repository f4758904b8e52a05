import { evaluateFlag, FlagStore, parseContext, type Context, type SdkFlag, type SdkSegment } from './index';

const user: Context = (() => {
  const r = parseContext({ kind: 'user', key: 'u1' });
  if (!r.ok) throw new Error(r.error);
  return r.context;
})();

const flag = (version: number, variation: number, extra: Partial<SdkFlag> = {}): SdkFlag => ({
  key: 'f',
  version,
  on: true,
  variations: ['a', 'b', 'c'],
  fallthrough: { variation },
  ...extra,
});
const segment = (version: number, included: string[]): SdkSegment => ({ key: 's', version, included });
const value = (store: FlagStore, key = 'f') => evaluateFlag(store, key, user, 'default').value;

describe('FlagStore version rules', () => {
  it('applies an upsert only when its version is greater', () => {
    const store = FlagStore.from({ flags: { f: flag(2, 0) }, segments: {} });
    expect(store.upsertFlag(flag(2, 1))).toBe(false);
    expect(store.upsertFlag(flag(1, 1))).toBe(false);
    expect(value(store)).toBe('a');
    expect(store.upsertFlag(flag(3, 1))).toBe(true);
    expect(value(store)).toBe('b');
    expect(store.rawFlag('f')?.version).toBe(3);
  });

  it('adds unknown keys at any version', () => {
    const store = FlagStore.from({ flags: {}, segments: {} });
    expect(store.upsertFlag({ ...flag(1, 2), key: 'g' })).toBe(true);
    expect(value(store, 'g')).toBe('c');
    expect(store.flagKeys()).toEqual(['g']);
  });

  it('deletes with a tombstone that keeps its version', () => {
    const store = FlagStore.from({ flags: { f: flag(2, 0) }, segments: {} });
    expect(store.deleteFlag('f', 2)).toBe(false);
    expect(store.deleteFlag('f', 3)).toBe(true);
    expect(evaluateFlag(store, 'f', user, 'default')).toEqual({
      value: 'default',
      variationIndex: null,
      reason: { kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND' },
    });
    expect(store.rawFlag('f')).toBeUndefined();
    expect(store.flagKeys()).toEqual([]);
    expect(store.flagVersion('f')).toBe(3);
    expect(store.upsertFlag(flag(3, 1))).toBe(false); // not newer than the tombstone
    expect(store.upsertFlag(flag(4, 1))).toBe(true);
    expect(value(store)).toBe('b');
  });

  it('treats an item with deleted: true as a tombstone', () => {
    const store = FlagStore.from({ flags: { f: flag(1, 0, { deleted: true }) }, segments: {} });
    expect(value(store)).toBe('default');
    expect(store.upsertFlag(flag(5, 0, { deleted: true }))).toBe(true);
    expect(store.flagVersion('f')).toBe(5);
  });

  it('looks segments up at evaluation time, so a segment update needs no flag recompile', () => {
    const f = flag(1, 1, { rules: [{ id: 'r', variation: 0, clauses: [{ op: 'segmentMatch', values: ['s'] }] }] });
    const store = FlagStore.from({ flags: { f }, segments: { s: segment(1, []) } });
    expect(value(store)).toBe('b');
    expect(store.upsertSegment(segment(1, ['u1']))).toBe(false);
    expect(store.upsertSegment(segment(2, ['u1']))).toBe(true);
    expect(value(store)).toBe('a');
    expect(store.deleteSegment('s', 3)).toBe(true);
    expect(value(store)).toBe('b'); // an unknown segment is a non-member
    expect(store.rawSegment('s')).toBeUndefined();
    expect(store.segmentVersion('s')).toBe(3);
  });

  it('ignores items without a string key', () => {
    const store = FlagStore.from({ flags: {}, segments: {} });
    expect(store.upsertFlag({ version: 1 } as unknown as SdkFlag)).toBe(false);
    expect(store.upsertSegment(null as unknown as SdkSegment)).toBe(false);
  });

  it('keeps the raw JSON as given', () => {
    const raw = flag(1, 0, { somethingNew: { x: 1 } });
    const store = FlagStore.from({ flags: { f: raw }, segments: {} });
    expect(store.rawFlag('f')).toBe(raw);
  });
});
