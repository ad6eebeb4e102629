/** Section 5 of bench/results.md and the generated block of docs/cost.md: AWS requests per negotiation. */
import type { NegotiationUsage, ReconcilerUsage } from '../aws-requests';
import { markdownTable } from '../lib/table';
import { ms } from './format';

export function usageSection(u: { negotiation: NegotiationUsage; reconciler: ReconcilerUsage }): string {
  const n = u.negotiation;
  const scopes = Object.keys(n.scopes).sort((a, b) =>
    a === 'background' ? 1 : b === 'background' ? -1 : a.localeCompare(b),
  );
  const lines = Object.keys(n.lines).sort();
  const byLine = markdownTable(
    [
      'AWS request',
      'per negotiation',
      ...scopes.map((s) => (s === 'background' ? 'background (match, notify)' : s)),
    ],
    lines.map((line) => [
      line,
      n.lines[line]!.toFixed(2) + (n.errors[line] ? ` (${n.errors[line]!.toFixed(2)} failed)` : ''),
      ...scopes.map((s) => {
        const v = n.scopes[s]?.[line];
        return v ? v.toFixed(2) : '';
      }),
    ]),
  );
  const put = 'PUT /sessions/{id}/number';
  const numbers = n.apiRequests[put] ?? 0;
  const evaluations = n.streamRecords.match ?? 0;
  const bg = n.scopes.background ?? {};
  const design = markdownTable(
    ['per …', 'design minimum', 'measured'],
    [
      ['number: KMS Encrypt', '1', ((n.scopes[put]?.['KMS Encrypt'] ?? 0) / numbers).toFixed(2)],
      [
        'number: transaction',
        '1',
        ((n.scopes[put]?.['DynamoDB TransactWriteItems'] ?? 0) / numbers).toFixed(2),
      ],
      [
        'number: other requests',
        '— (1 consistent read of the session is needed for seq and rev)',
        `${((n.scopes[put]?.['DynamoDB GetItem'] ?? 0) / numbers).toFixed(2)} GetItem`,
      ],
      [
        'evaluation: KMS Decrypt (the lone first number, then the pair)',
        '≤ 2',
        `${((bg['KMS Decrypt'] ?? 0) / evaluations).toFixed(2)} (${bg['KMS Decrypt']?.toFixed(0) ?? 0} over ${evaluations.toFixed(0)} evaluations)`,
      ],
      ['evaluation: transaction', '≤ 1', ((bg['DynamoDB TransactWriteItems'] ?? 0) / evaluations).toFixed(2)],
    ],
  );
  const sizes = markdownTable(
    ['item type', 'writes', 'median bytes', 'max bytes'],
    Object.entries(n.dynamodb.itemBytes).map(([kind, xs]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return [
        kind,
        String(xs.length),
        String(sorted[Math.floor(sorted.length / 2)] ?? 0),
        String(sorted.at(-1) ?? 0),
      ];
    }),
  );
  const r = u.reconciler;
  return [
    `${n.negotiations} complete negotiations run one after the other through the local runtime in this process; every request of the handlers' SDK clients counted by the middleware (\`countRequests\`), the local sealer counted as the KMS calls it stands for, local timers as Scheduler calls. API requests per negotiation: ${Object.entries(
      n.apiRequests,
    )
      .map(([route, x]) => `${x.toFixed(0)} × ${route}`)
      .join(
        ', ',
      )}. Stream records passing the filters per negotiation (Lambda invocations at most): ${Object.entries(
      n.streamRecords,
    )
      .map(([c, x]) => `${c} ${x.toFixed(0)}`)
      .join(
        ', ',
      )}. Email recipients: ${n.emailRecipients.toFixed(0)}. DynamoDB: ${n.wru.toFixed(1)} WRU (of which ${(n.dynamodb.indexWru / n.negotiations).toFixed(1)} index writes) and ${n.rru.toFixed(1)} RRU per negotiation.`,
    '',
    byLine,
    '',
    'Against the design minimum:',
    '',
    design,
    '',
    'Item sizes written (bytes, as DynamoDB counts them):',
    '',
    sizes,
    '',
    `One reconciler run over ${r.sessions} open sessions (waiting in step 2): ${Object.entries(r.lines)
      .map(([line, x]) => `${x} × ${line}${r.errors[line] ? ` (${r.errors[line]} failed)` : ''}`)
      .join(', ')}; ${r.rru.toFixed(1)} RRU, ${r.wru.toFixed(1)} WRU, ${ms(r.wallMs, 0)} here.`,
  ].join('\n');
}
