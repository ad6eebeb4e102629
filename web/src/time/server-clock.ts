/**
 * The server's clock as the client sees it. Deadlines are server time (locally the business
 * clock, which `/dev/clock` moves), so countdowns use `serverNow()`: the local clock plus the
 * offset read from the `Date` header of the latest API response.
 */
let offsetMs = 0;

/** Records the `Date` header of an API response (second resolution; ignored when absent or bad). */
export function observeServerDate(header: string | null, receivedAt = Date.now()): void {
  if (!header) return;
  const server = Date.parse(header);
  if (Number.isNaN(server)) return;
  const next = server - receivedAt;
  // The header is truncated to the second: only a change beyond that moves the offset.
  if (Math.abs(next - offsetMs) >= 1000) offsetMs = next;
}

export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** For tests. */
export function resetServerClock(): void {
  offsetMs = 0;
}
