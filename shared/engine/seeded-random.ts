import type { RandomSource } from './types';

const MASK_64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

/**
 * A deterministic random source for tests and the bench: SplitMix64 (Steele, Lea and Flood 2014)
 * over BigInt, its 64-bit outputs handed out byte by byte, least significant first, with no byte
 * skipped between calls. Not cryptographically secure: never use it in production.
 */
export function seededRandom(seed: number): RandomSource {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError('seededRandom: the seed must be a safe integer');
  }
  let state = BigInt(seed) & MASK_64;
  let pool = 0n;
  let poolBytes = 0;
  const next = (): bigint => {
    state = (state + GOLDEN_GAMMA) & MASK_64;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
    return z ^ (z >> 31n);
  };
  return (byteCount) => {
    const bytes = new Uint8Array(byteCount);
    for (let i = 0; i < byteCount; i++) {
      if (poolBytes === 0) {
        pool = next();
        poolBytes = 8;
      }
      bytes[i] = Number(pool & 0xffn);
      pool >>= 8n;
      poolBytes--;
    }
    return bytes;
  };
}
