import { keptBody, MAX_KEPT_BODY_BYTES, RECENT_BODIES, truncateUtf8, withRecentBody } from './trigger-bodies';

const at = new Date('2026-01-01T00:00:00.000Z');

describe('kept trigger bodies', () => {
  it('keeps a small body as sent, with its size and the outcome', () => {
    expect(keptBody({ alert: 'cpu', value: 93 }, at, { outcome: 'changed', version: 4 })).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      body: { alert: 'cpu', value: 93 },
      truncated: false,
      bytes: 26,
      outcome: 'changed',
      version: 4,
    });
    expect(keptBody(undefined, at, { outcome: 'unchanged', version: 1 }).body).toBeNull();
  });

  it('cuts a large body to its first 4 KB of JSON text, on a character boundary', () => {
    const kept = keptBody({ text: 'é'.repeat(5000) }, at, { outcome: 'failed', code: 'flag/archived' });
    expect(kept.truncated).toBe(true);
    expect(typeof kept.body).toBe('string');
    expect(Buffer.byteLength(kept.body as string)).toBeLessThanOrEqual(MAX_KEPT_BODY_BYTES);
    expect(kept.body as string).not.toContain('\uFFFD');
    expect(kept.bytes).toBeGreaterThan(10_000);
    expect(truncateUtf8('aé', 2)).toBe('a');
  });

  it('makes what PostgreSQL jsonb refuses storable: NUL characters and unpaired surrogates, in values and keys', () => {
    const kept = keptBody({ ['k\u0000']: ['a\u0000b', 'x\uD800y', '\uD83D\uDE00'] }, at, { outcome: 'changed' });
    expect(kept.body).toEqual({ 'k\uFFFD': ['a\uFFFDb', 'x\uFFFDy', '\uD83D\uDE00'] });
    expect(JSON.stringify(kept.body)).not.toMatch(/\\u0000|\\ud800/i);
  });

  it('keeps the newest RECENT_BODIES, newest first, whatever was stored before', () => {
    let list = withRecentBody('not a list', keptBody(0, at, { outcome: 'changed' }));
    for (let i = 1; i <= 12; i++) list = withRecentBody(list, keptBody(i, at, { outcome: 'changed' }));
    expect(list).toHaveLength(RECENT_BODIES);
    expect(list.map((b) => b.body)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
  });
});
