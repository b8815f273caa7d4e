// A small seeded PRNG for augmentation, so a training run is reproducible and can be saved and
// resumed. Pure: no DOM, no IndexedDB, no workers; never uses Math.random or the clock.
//
// Algorithm:
// - generator: sfc32 (Chris Doty-Humphrey's "Small Fast Counting" generator, 32-bit variant from
//   PractRand): state a, b, c, d (uint32); t = a + b + d; d += 1; a = b ^ (b >>> 9);
//   b = c + (c << 3); c = rotl(c, 21) + t; output t. The counter d guarantees a period ≥ 2^32.
// - seeding: the four state words are four differently salted murmur3-fmix32 hash chains over the
//   key words (each key split into its low and high 32 bits), then 12 outputs are discarded.
//   `createRng(seed)` hashes [seed]; `createSampleRng(seed, epoch, sampleIndex)` hashes all three,
//   so every sample of every epoch has its own 128-bit-seeded stream: the same seed gives the same
//   augmentation for a sample whichever worker draws it, in whatever order.
// - next(): a double in [0, 1) with 53 random bits from two outputs, (a >>> 5)·2^26 + (b >>> 6)
//   over 2^53 (the construction numpy's random_sample uses; the stream itself is not numpy's).

export interface RngState {
  algorithm: 'sfc32';
  /** The four uint32 state words a, b, c, d. */
  words: [number, number, number, number];
}

export interface Rng {
  /** Uniform double in [0, 1), 53 bits. */
  next(): number;
  /** Uniform uint32. */
  nextUint32(): number;
  /** A copy of the state (JSON-serialisable), to save with a checkpoint. */
  getState(): RngState;
  /** Restore a state from getState(); the stream continues exactly from there. */
  setState(state: RngState): void;
}

/** murmur3's 32-bit finaliser: a bijective avalanche mix of a uint32. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const SALTS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const; // digits of π

function keyWords(keys: readonly number[]): number[] {
  const words: number[] = [];
  for (const k of keys) {
    if (!Number.isSafeInteger(k)) throw new RangeError(`random: seeds and stream keys must be safe integers (got ${k})`);
    const hi = Math.floor(k / 4294967296);
    words.push(k >>> 0, hi >>> 0);
  }
  return words;
}

function seededState(keys: readonly number[]): [number, number, number, number] {
  const words = keyWords(keys);
  const state: [number, number, number, number] = [0, 0, 0, 0];
  for (let j = 0; j < 4; j++) {
    let h = mix32(SALTS[j] + words.length);
    for (const w of words) h = mix32((h ^ mix32(w + 0x9e3779b9)) + Math.imul(h, 0x27d4eb2d));
    state[j] = h;
  }
  return state;
}

function sfc32(initial: [number, number, number, number]): Rng {
  let [a, b, c, d] = initial;
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  return {
    nextUint32,
    next(): number {
      const hi = nextUint32() >>> 5;
      const lo = nextUint32() >>> 6;
      return (hi * 67108864 + lo) / 9007199254740992;
    },
    getState(): RngState {
      return { algorithm: 'sfc32', words: [a >>> 0, b >>> 0, c >>> 0, d >>> 0] };
    },
    setState(state: RngState): void {
      if (state.algorithm !== 'sfc32' || state.words.length !== 4) throw new RangeError('random: not an sfc32 state');
      [a, b, c, d] = state.words.map((w) => w | 0) as [number, number, number, number];
    },
  };
}

function createFromKeys(keys: readonly number[]): Rng {
  const rng = sfc32(seededState(keys));
  for (let i = 0; i < 12; i++) rng.nextUint32();
  return rng;
}

/** A generator for one seed (any safe integer). */
export function createRng(seed: number): Rng {
  return createFromKeys([seed]);
}

/**
 * The independent stream of one training sample in one epoch: depends only on (seed, epoch,
 * sampleIndex), never on which worker draws it or how many draws happened elsewhere.
 */
export function createSampleRng(seed: number, epoch: number, sampleIndex: number): Rng {
  return createFromKeys([seed, epoch, sampleIndex]);
}

/** U(low, high) = low + (high − low)·u, as numpy's uniform. */
export function uniform(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng.next();
}
