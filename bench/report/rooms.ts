/** Section 7 of bench/results.md: rooms, posting and reading. */
import { fmtRatio, markdownTable } from '../lib/table';
import type { RoomsBenchResult } from '../rooms';
import { spread } from './format';

const parts = (breakdown: Record<string, number>) =>
  Object.entries(breakdown)
    .filter(([, x]) => x > 0.005)
    .map(([part, x]) => `${part} ${x.toFixed(2)}`)
    .join(' · ');

export function roomsSection(r: RoomsBenchResult): string {
  const iqr = (s: RoomsBenchResult['post']) => `${s.p25.toFixed(1)} – ${s.p75.toFixed(1)}`;
  return [
    `${r.samples} samples each, interleaved (rotating order) on one runtime; the runtime settled after each sample. Client-side times (fetch to body read) for the requests. A post is \`POST …/rooms/claimant/messages\` (a ~100-character text) against a raw \`EnvelopeSealer.seal\` with a cached data key + one \`PutItem\` of a message item of the same shape through the same DynamoDB document client; a read is \`GET …/rooms/claimant/messages?limit=${r.pageSize}\` of a room holding ${r.pageSize + 10} messages against a raw \`Query\` of ${r.pageSize} message items + ${r.pageSize} local opens.`,
    '',
    markdownTable(
      ['series', 'median (p5 – p95)', 'IQR', 'ratio to raw'],
      [
        ['post a message', spread(r.post), iqr(r.post), fmtRatio(r.postRatio)],
        [
          'post, measured at the server',
          spread(r.serverPost),
          iqr(r.serverPost),
          fmtRatio(r.serverPost.median / r.rawPost.median),
        ],
        ['raw seal + PutItem', spread(r.rawPost), iqr(r.rawPost), '1.00×'],
        [`read a page of ${r.pageSize}`, spread(r.read), iqr(r.read), fmtRatio(r.readRatio)],
        [
          'read, measured at the server',
          spread(r.serverRead),
          iqr(r.serverRead),
          fmtRatio(r.serverRead.median / r.rawRead.median),
        ],
        [`raw Query + ${r.pageSize} opens`, spread(r.rawRead), iqr(r.rawRead), '1.00×'],
      ],
    ),
    '',
    `Where the server's time goes (medians of each part, ms) — post: ${parts(r.postBreakdown)}; read: ${parts(r.readBreakdown)}.`,
    '',
    "What a post costs beyond the raw minimum: the HTTP request and its token, one consistent `BatchGetItem` (the session and the room: membership, the end, the joint consent, the newest id and the wrapped key), and a `TransactWriteItems` instead of a `PutItem` (the room's counters and ordering condition, the session-not-ended check). A read adds the request, the token and the `BatchGetItem`; the data key is unwrapped once and cached, so a page costs no KMS call after the first.",
  ].join('\n');
}
