/** The seeded randomness and the value pools the cross-check corpus (corpus.ts) draws from. */
import type { Json } from './corpus';

/** mulberry32: a tiny seeded PRNG, so every run generates the same project and contexts. */
export function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => next() < p;
  const sample = <T>(items: readonly T[], k: number): T[] => {
    const copy = [...items];
    const out: T[] = [];
    while (out.length < k && copy.length) out.push(copy.splice(int(copy.length), 1)[0]);
    return out;
  };
  /** Integer weights for `n` variations adding up to 100 000 (some may be 0). */
  const weights = (n: number): number[] => {
    const cuts = Array.from({ length: n - 1 }, () => int(100_001)).sort((a, b) => a - b);
    return [...cuts, 100_000].map((c, i) => c - (i === 0 ? 0 : cuts[i - 1]));
  };
  return { next, int, pick, chance, sample, weights };
}

export const USER_KEYS = Array.from({ length: 40 }, (_, i) => `u${i}`);
export const ORG_KEYS = Array.from({ length: 10 }, (_, i) => `o${i}`);
export const COUNTRIES = ['NL', 'BE', 'DE', 'US', 'FR', 'JP'];
export const PLANS = ['free', 'pro', 'enterprise'];
export const DOMAINS = ['example.com', 'example.org', 'corp.io'];
export const VERSIONS = ['1.0.0', '1.2.3', '1.2', '2.0.0-beta.1', '2.0.0', '10.0.1', 'v1.0.0', '1.2.3+build.7', '2'];
export const DATES: Json[] = [
  '2023-01-01T00:00:00Z',
  '2024-06-15T12:30:00.000Z',
  '2025-03-01T00:00:00+02:00',
  1_700_000_000_000,
  1_600_000_000_000,
  '2024-01-01',
  'soon',
];
export const GROUPS = ['a', 'b', 'c', 'd'];
export const CITIES = ['Amsterdam', 'Berlin', 'Paris'];
export const TIERS = ['gold', 'silver', 'bronze'];
export const SEGMENTS = ['seg-0', 'seg-1', 'seg-2', 'seg-3', 'seg-4'];
