/**
 * The business clock: real time plus an offset. On AWS the offset is always 0. The local runtime
 * moves it forward (`POST /dev/clock`) and persists it, so time-dependent rules can be exercised
 * without waiting; every handler reads time only through this module.
 */
let offsetMs = 0;

export const businessClock = (): number => Date.now() + offsetMs;

export function setClockOffset(ms: number): void {
  offsetMs = ms;
}

export const clockOffset = (): number => offsetMs;
