/** Section 3 of bench/results.md: time to deal. */
import { markdownTable } from '../lib/table';
import type { TimeToDealResult } from '../time-to-deal';
import { ms, spread } from './format';

export function dealSection(d: TimeToDealResult): string {
  return [
    `${d.samples} fresh sessions (claimant's number in and evaluated beforehand); from the respondent's matching PUT response to the first \`GET /sessions/{id}\` showing \`phase: settled\`, polled every 5 ms. No /dev/clock, no settle(): only the stream poller (idle delay 25 ms) delivers the write to match.`,
    '',
    markdownTable(
      ['measure', 'median (p5 – p95)', 'p95'],
      [
        ['time to deal', spread(d.deal, 0), ms(d.deal.p95, 0)],
        [
          'GET polls until settled',
          `${d.polls.median} (p5 ${d.polls.p5.toFixed(0)} – p95 ${d.polls.p95.toFixed(0)})`,
          d.polls.p95.toFixed(0),
        ],
        ['the matching PUT itself', spread(d.put), ms(d.put.p95)],
      ],
    ),
  ].join('\n');
}
