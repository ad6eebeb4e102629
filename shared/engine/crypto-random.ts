import { getRandomValues } from 'node:crypto';
import type { RandomSource } from './types';

/**
 * The production random source: the operating system's CSPRNG through node:crypto. The engine
 * never imports this module; callers pass it in (tests pass `seededRandom`).
 */
export const cryptoRandom: RandomSource = (byteCount) => getRandomValues(new Uint8Array(byteCount));
