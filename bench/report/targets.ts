/** The targets table at the top of bench/results.md. */
import { fmtRatio, markdownTable } from '../lib/table';
import { met, ms, TARGETS } from './format';
import type { Results } from './results';

export function targetsTable(r: Results): string {
  const rows: string[][] = [];
  if (r.cold) {
    const worst = r.cold.rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const over = r.cold.rows.filter((row) => row.ratio > TARGETS.coldRatio).map((row) => row.name);
    rows.push([
      'cold start: load time / SDK-only baseline',
      `${fmtRatio(worst.ratio)} worst (${worst.name}); over target: ${over.join(', ') || 'none'}`,
      `≤ ${TARGETS.coldRatio}×`,
      met(over.length === 0),
    ]);
  }
  if (r.submit) {
    rows.push([
      'submit latency: PUT / raw seal + transaction',
      fmtRatio(r.submit.ratio),
      `≤ ${TARGETS.submitRatio}×`,
      met(r.submit.ratio <= TARGETS.submitRatio),
    ]);
  }
  if (r.deal) {
    rows.push([
      'time to deal (median)',
      ms(r.deal.deal.median, 0),
      `≤ ${TARGETS.dealMedianMs} ms`,
      met(r.deal.deal.median <= TARGETS.dealMedianMs),
    ]);
  }
  if (r.throughput) {
    rows.push([
      'throughput',
      `${r.throughput.perSecond.toFixed(2)} negotiations/s (${r.throughput.clients} clients)`,
      '(no target)',
      '—',
    ]);
  }
  if (r.rooms) {
    rows.push([
      'rooms: post / raw seal + PutItem',
      fmtRatio(r.rooms.postRatio),
      `≤ ${TARGETS.roomsPostRatio}×`,
      met(r.rooms.postRatio <= TARGETS.roomsPostRatio),
    ]);
    rows.push([
      `rooms: page of ${r.rooms.pageSize} / raw Query + ${r.rooms.pageSize} opens`,
      fmtRatio(r.rooms.readRatio),
      `≤ ${TARGETS.roomsReadRatio}×`,
      met(r.rooms.readRatio <= TARGETS.roomsReadRatio),
    ]);
  }
  if (r.cost) {
    rows.push([
      'cost per negotiation, emails included',
      `$${r.cost.perNegotiation.toFixed(5)} (open 30 days: $${r.cost.perNegotiationOpen30Days.toFixed(5)})`,
      `≤ $${TARGETS.usdPerNegotiation}`,
      met(r.cost.perNegotiationOpen30Days <= TARGETS.usdPerNegotiation),
    ]);
  }
  return markdownTable(['metric', 'measured', 'target', ''], rows);
}
