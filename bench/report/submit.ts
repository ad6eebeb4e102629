/** Section 2 of bench/results.md: submit latency. */
import { fmtRatio, markdownTable } from '../lib/table';
import type { SubmitLatencyResult } from '../submit-latency';
import { spread } from './format';

export function submitSection(s: SubmitLatencyResult): string {
  return [
    `${s.samples} samples each, interleaved (rotating order) on one runtime; the runtime settled after each sample. Client-side times (fetch to body read) for the PUTs; the raw series is \`LocalSealer.sealNumber\` + one \`TransactWriteItems\` (a copy of a real session item conditional on its revision, plus an audit entry) through the same DynamoDB document client.`,
    '',
    markdownTable(
      ['series', 'median (p5 – p95)', 'IQR', 'ratio to raw'],
      [
        [
          'A: PUT /sessions/{id}/number',
          spread(s.put),
          `${s.put.p25.toFixed(1)} – ${s.put.p75.toFixed(1)}`,
          fmtRatio(s.ratio),
        ],
        [
          'A′: same with Idempotency-Key',
          spread(s.putWithKey),
          `${s.putWithKey.p25.toFixed(1)} – ${s.putWithKey.p75.toFixed(1)}`,
          fmtRatio(s.ratioWithKey),
        ],
        [
          'B: raw seal + TransactWriteItems',
          spread(s.raw),
          `${s.raw.p25.toFixed(1)} – ${s.raw.p75.toFixed(1)}`,
          '1.00×',
        ],
        [
          'A measured at the server',
          spread(s.serverPut),
          `${s.serverPut.p25.toFixed(1)} – ${s.serverPut.p75.toFixed(1)}`,
          fmtRatio(s.serverPut.median / s.raw.median),
        ],
      ],
    ),
    '',
    `Where A's server time goes (medians of each part, ms): ${parts(s.putBreakdown)}. A′: ${parts(s.putWithKeyBreakdown)}. B: seal ${s.rawBreakdown.seal.toFixed(2)} · TransactWriteItems ${s.rawBreakdown.transaction.toFixed(2)}.`,
  ].join('\n');
}

const parts = (breakdown: Record<string, number>) =>
  Object.entries(breakdown)
    .filter(([, x]) => x > 0.005)
    .map(([part, x]) => `${part} ${x.toFixed(2)}`)
    .join(' · ');
