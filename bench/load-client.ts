/**
 * The throughput benchmark's load: N concurrent clients, each running complete negotiations
 * back to back over HTTP until the deadline — create a session inviting a new respondent, wait for
 * the invitation email (GET /dev/emails), accept it, both accept terms v0, both submit
 * overlapping numbers, then poll the session until it is settled (polls every 50 ms). Run in a child process
 * (`node --import tsx bench/load-client.ts <url> <clients> <seconds>`) so that the runtime's event
 * loop is measured alone; prints one JSON line with what it saw.
 */
import { BenchClient, benchAddresses, DEMAND, OFFER } from './lib/api';

export interface LoadClientReport {
  clients: number;
  seconds: number;
  /** Negotiations completed (settled seen) before the deadline. */
  completed: number;
  /** Completed ones, whatever the time (in-flight ones finish after the deadline). */
  completedTotal: number;
  errors: string[];
  /** Client-side latency samples by route (ms). */
  routes: Record<string, number[]>;
  /** Per negotiation: start → settled seen (ms). */
  negotiationMs: number[];
  /** POST /sessions answered → invitation email visible (notify lag + poll). */
  inviteLagMs: number[];
  /** Matching PUT answered → settled visible (match lag + poll). */
  dealLagMs: number[];
  /** Epoch ms of the window. */
  startedAt: number;
  endedAt: number;
}

export async function runLoad(
  url: string,
  clients: number,
  seconds: number,
  pollMs = 50,
): Promise<LoadClientReport> {
  const routes: Record<string, number[]> = {};
  const client = new BenchClient(url, (route, ms) => {
    const samples = routes[route] ?? [];
    samples.push(ms);
    routes[route] = samples;
  });
  const report: LoadClientReport = {
    clients,
    seconds,
    completed: 0,
    completedTotal: 0,
    errors: [],
    routes,
    negotiationMs: [],
    inviteLagMs: [],
    dealLagMs: [],
    startedAt: Date.now(),
    endedAt: 0,
  };
  const deadline = performance.now() + seconds * 1000;
  const worker = async (n: number) => {
    const claimant = await client.person(benchAddresses(`load${n}`).claimant);
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        const respondent = await client.person(benchAddresses(`load${n}`).respondent);
        const id = await client.createSession(claimant, respondent.email);
        const created = performance.now();
        const token = await client.waitForInvitation(respondent.email, { pollMs });
        report.inviteLagMs.push(performance.now() - created);
        await client.acceptInvitation(respondent, token);
        await client.acceptTerms(id, claimant);
        await client.acceptTerms(id, respondent);
        await client.submit(id, claimant, DEMAND);
        await client.submit(id, respondent, OFFER);
        const submitted = performance.now();
        const seen = await client.waitForPhase(id, claimant, 'settled', { pollMs });
        report.dealLagMs.push(seen.at - submitted);
        report.negotiationMs.push(seen.at - started);
        report.completedTotal++;
        if (seen.at <= deadline) report.completed++;
      } catch (error) {
        report.errors.push(error instanceof Error ? error.message.slice(0, 300) : String(error));
        if (report.errors.length > 50) return;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, n) => worker(n)));
  report.endedAt = Date.now();
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, clients, seconds] = process.argv.slice(2);
  const report = await runLoad(url!, Number(clients), Number(seconds));
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
