import type { RandomSource } from './types';

/**
 * How many times a draw may be rejected before the source is declared broken. Each attempt is
 * accepted with probability > 1/2, so a sound source fails all of them with probability < 2^-128.
 */
export const MAX_DRAW_ATTEMPTS = 128;

/**
 * A uniform integer in [lo, hi] (inclusive) from `random`, by rejection sampling (docs/rules.md, "Match and deal amount"):
 * take the fewest bytes that hold `hi − lo`, read them big-endian, mask the top byte to the bit
 * length of `hi − lo`, and draw again while the value is ≥ the size of the range. No modulo bias,
 * no floats: the range may be far wider than 2^53.
 */
export function drawUniform(lo: bigint, hi: bigint, random: RandomSource): bigint {
  if (hi < lo) {
    throw new RangeError('drawUniform: empty range (hi < lo)');
  }
  const size = hi - lo + 1n;
  const maxOffset = size - 1n;
  if (maxOffset === 0n) {
    return lo;
  }
  const bits = maxOffset.toString(2).length;
  const byteCount = (bits + 7) >> 3;
  const topMask = (1 << (bits - (byteCount - 1) * 8)) - 1;
  for (let attempt = 0; attempt < MAX_DRAW_ATTEMPTS; attempt++) {
    const bytes = random(byteCount);
    if (bytes.length !== byteCount) {
      throw new Error(`drawUniform: random source returned ${bytes.length} bytes, expected ${byteCount}`);
    }
    let offset = BigInt(bytes[0]! & topMask);
    for (let i = 1; i < byteCount; i++) {
      offset = (offset << 8n) | BigInt(bytes[i]!);
    }
    if (offset < size) {
      return lo + offset;
    }
  }
  throw new Error(`drawUniform: random source rejected ${MAX_DRAW_ATTEMPTS} times in a row`);
}
