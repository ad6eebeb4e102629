/**
 * Time to deal: from the response to the matching `PUT /sessions/{id}/number` to the moment
 * `GET /sessions/{id}` shows `phase: settled`, polling every 5 ms. Nothing is settled by hand
 * while it is measured (no /dev/clock, no settle()): the deal comes only from the stream poller
 * delivering the number write to match, as on AWS the event source mapping does.
 *
 * Each sample is a fresh session in step 2 whose claimant number is already in and evaluated
 * (prepared beforehand), so only the respondent's matching PUT is timed.
 */
import { OFFER } from './lib/api';
import type { BenchRuntime, PreparedSession } from './lib/runtime';
import { type Summary, summarize } from './lib/stats';

export interface TimeToDealResult {
  deal: Summary;
  /** GETs per sample until settled. */
  polls: Summary;
  /** The matching PUT's own latency. */
  put: Summary;
  samples: number;
}

export async function timeToDeal(
  bench: BenchRuntime,
  options: { samples: number; pollMs?: number; log?: (line: string) => void },
): Promise<TimeToDealResult> {
  const log = options.log ?? (() => undefined);
  const prepared: PreparedSession[] = [];
  for (let i = 0; i < options.samples + 1; i++)
    prepared.push(await bench.prepareSession({ claimantNumber: true, tag: 'deal' }));
  log(`time to deal: ${prepared.length} sessions ready`);
  const deals: number[] = [];
  const polls: number[] = [];
  const puts: number[] = [];
  for (const [i, s] of prepared.entries()) {
    const answer = await bench.client.submit(s.id, s.respondent, OFFER);
    const responded = performance.now();
    const seen = await bench.client.waitForPhase(s.id, s.claimant, 'settled', {
      pollMs: options.pollMs ?? 5,
    });
    if (i === 0) continue; // warm-up
    deals.push(seen.at - responded);
    polls.push(seen.polls);
    puts.push(answer.ms);
  }
  await bench.runtime.settle();
  return { deal: summarize(deals), polls: summarize(polls), put: summarize(puts), samples: deals.length };
}
