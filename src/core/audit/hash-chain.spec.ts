import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { ChainVerifier, entryHash, GENESIS_HASH, type ChainedContent } from './hash-chain';

const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');

function content(prevHash: string, comment: string): ChainedContent {
  return {
    at: '2026-11-22T10:00:00.000Z',
    actor: { kind: 'member', id: 'm1' },
    action: 'updateOn',
    resource: 'proj/p:env/e:flag/f',
    comment,
    before: { on: false },
    after: { on: true },
    delta: [{ op: 'replace', path: '/on', value: true }],
    previousVersion: 1,
    currentVersion: 2,
    requestId: 'r1',
    links: null,
    prevHash,
  };
}

function chain(n: number) {
  const entries: { id: string; content: ChainedContent; hash: string }[] = [];
  let prev = GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const c = content(prev, `c${i}`);
    const hash = entryHash(c, sha256);
    entries.push({ id: String(i + 1), content: c, hash });
    prev = hash;
  }
  return entries;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('ChainVerifier', () => {
  it('accepts an intact chain', () => {
    const v = new ChainVerifier(sha256);
    for (const e of chain(5)) v.push(e.id, e.content, e.hash);
    expect(v.result()).toEqual({ ok: true, checked: 5 });
  });

  it('reports the first entry whose content was altered', () => {
    const entries = chain(5);
    entries[2].content = { ...entries[2].content, comment: 'tampered' };
    const v = new ChainVerifier(sha256);
    for (const e of entries) v.push(e.id, e.content, e.hash);
    expect(v.result()).toMatchObject({ ok: false, firstBrokenId: '3', reason: 'content does not match its hash' });
  });

  it('reports a removed entry as a broken link', () => {
    const entries = chain(4);
    entries.splice(1, 1);
    const v = new ChainVerifier(sha256);
    for (const e of entries) v.push(e.id, e.content, e.hash);
    expect(v.result()).toMatchObject({
      ok: false,
      firstBrokenId: '3',
      reason: 'prevHash does not match the previous entry',
    });
  });
});

describe('entryHash', () => {
  it('is sha256(prevHash + sha256(canonical content)), so PostgreSQL can finish it under the chain lock', () => {
    const c = content('ab'.repeat(32), 'x');
    const { prevHash, ...rest } = c;
    const digest = sha256(canonicalJson(rest));
    expect(entryHash(c, sha256)).toBe(sha256(prevHash + digest));
  });
});
