/** Formatting shared by the report sections of bench/results.md. */
import { fmtSpread, type Summary } from '../lib/stats';

export const TARGETS = {
  coldRatio: 1.3,
  submitRatio: 1.5,
  dealMedianMs: 500,
  usdPerNegotiation: 0.01,
  roomsPostRatio: 1.5,
  roomsReadRatio: 2,
};

export const ms = (x: number, digits = 1) => `${x.toFixed(digits)} ms`;
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)}`;
export const met = (ok: boolean) => (ok ? 'met' : '**missed**');
export const spread = (s: Summary, digits = 1) => fmtSpread(s, 'ms', digits);
