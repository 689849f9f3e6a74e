/**
 * Seeded pseudo-random numbers (mulberry32). tfjs has no global seed, so every random choice the recipes
 * make (splits, shuffles, dropout masks) draws from one of these to make training reproducible.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle in place, driven by `random`. */
export function shuffleInPlace<T>(items: T[] | Uint32Array | Int32Array, random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
}

/** 0..n-1 in a seeded random order. */
export function permutation(n: number, random: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, random);
  return order;
}

/**
 * Runs `body` with Math.random replaced by a seeded generator, then restores it. tfjs falls back to
 * Math.random for the seeds of ops that are given none (Dropout masks, fit's shuffle); a fixed per-layer
 * seed would instead repeat the same dropout mask on every step.
 */
export async function withSeededMathRandom<T>(seed: number, body: () => Promise<T>): Promise<T> {
  const original = Math.random;
  Math.random = seededRandom(seed);
  try {
    return await body();
  } finally {
    Math.random = original;
  }
}
