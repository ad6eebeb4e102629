/** Section 1 of bench/results.md: cold start. */
import { CLIENTS_USED, type ColdStartResult } from '../cold-start';
import { fmtRatio, markdownTable } from '../lib/table';
import { kib, ms, spread } from './format';

export function coldSection(c: ColdStartResult): string {
  const main = markdownTable(
    [
      'function',
      'bundle KiB',
      'baseline KiB',
      'load (as deployed)',
      'baseline load',
      'ratio',
      'load w/o source maps',
      'network at import',
    ],
    c.rows.map((row) => [
      row.name,
      kib(row.fn.bytes),
      kib(row.baseline.bytes),
      spread(row.fnLoad),
      spread(row.baselineLoad),
      fmtRatio(row.ratio),
      ms(row.fnLoadNoMaps.median),
      row.network ? '**yes**' : 'no',
    ]),
  );
  const groups = ['app', 'aws-sdk', 'zod', 'powertools', 'middy', 'jose', 'other'];
  const composition = markdownTable(
    ['function', ...groups.map((g) => `${g} KiB`), 'SDK clients bundled', 'SDK clients used'],
    c.rows.map((row) => [
      row.name,
      ...groups.map((g) => kib(row.fn.composition[g] ?? 0)),
      row.fn.sdkClients.join(', '),
      CLIENTS_USED[row.name].join(', '),
    ]),
  );
  return [
    `Median of ${c.runs} fresh \`node\` processes per bundle (runs interleaved function/baseline), \`import()\` timed inside the process with \`--enable-source-maps\` as NODE_OPTIONS sets it on Lambda; "w/o source maps" from ${Math.ceil(c.runs / 2)} runs. Bundles built with esbuild's JS API and the options of lib/constructs/service-function.ts (ESM, node22, minify, source map without sources content, createRequire banner, no externals).${c.bundlingDrift.length > 0 ? ` **Warning: service-function.ts no longer contains ${c.bundlingDrift.join('; ')}: the bench may not bundle as the CDK app does.**` : ''}`,
    '',
    main,
    '',
    'What the bundles are made of (minified bytes by origin, from the esbuild metafile):',
    '',
    composition,
    '',
    'The calendar function’s `other` is the ICS writer (`ics` and the validation library it brings, about 80 KiB): the work of its one route, which is why `GET /sessions/{id}/calendar.ics` has a function of its own instead of weighing on every cold start of `api`.',
  ].join('\n');
}
