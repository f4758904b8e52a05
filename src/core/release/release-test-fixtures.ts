/** Test helpers for the specs of core/release (not a spec itself, and left out of the build). */

/** Small seeded PRNG (mulberry32) so simulations and property tests are repeatable. */
export function mulberry32(seed: number): () => number {
  const imul = Math.imul; // read once: global lookups are slow inside jest's sandbox
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
