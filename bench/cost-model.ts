/**
 * Turns counted AWS requests into dollars at list prices (us-east-1, 2025), with the arithmetic
 * written out. The counts are measured (bench/aws-requests.ts); what is assumed is said so here
 * and in docs/cost.md: Lambda billed durations come from a per-call AWS latency model (local
 * latencies say nothing about AWS), and transactional index writes are priced as standard writes.
 */
import { FUNCTION_SETTINGS } from '../lib/function-settings';
import { API_ROUTES } from '../shared/http/routes';
import type { NegotiationUsage, ReconcilerUsage } from './aws-requests';
import { FUNCTIONS, type FunctionName } from './cold-start';
import { markdownTable } from './lib/table';

export const PRICES = {
  lambdaGbSecond: 0.0000133334, // ARM
  lambdaRequest: 0.2 / 1e6,
  apiGatewayHttpRequest: 1.0 / 1e6,
  dynamoWru: 0.625 / 1e6,
  dynamoRru: 0.125 / 1e6,
  kmsRequest: 0.03 / 1e4,
  kmsKeyMonth: 1.0,
  schedulerInvocation: 1.0 / 1e6,
  sesEmail: 0.1 / 1e3,
  secretsManagerCall: 0.05 / 1e4,
  secretMonth: 0.4,
  cognitoMauLite: 0.0055,
  cognitoMauEssentials: 0.015,
  logsIngestGb: 0.5,
} as const;

/** Assumed AWS latency per call (ms), for Lambda billed duration only (generous, not measured). */
export const AWS_CALL_MS: Record<string, number> = {
  'DynamoDB GetItem': 6,
  'DynamoDB Query': 8,
  'DynamoDB BatchGetItem': 10,
  'DynamoDB PutItem': 8,
  'DynamoDB UpdateItem': 8,
  'DynamoDB DeleteItem': 8,
  'DynamoDB TransactWriteItems': 20,
  'KMS Encrypt': 8,
  'KMS Decrypt': 8,
  'SESv2 SendEmail': 100,
  'Scheduler CreateSchedule': 40,
  'Scheduler DeleteSchedule': 30,
  'SecretsManager GetSecretValue': 30,
};
const DEFAULT_CALL_MS = 20;
/** Handler work besides AWS calls per invocation (parsing, JSON, logging), ms. */
export const HANDLER_OVERHEAD_MS = 5;
/** The reconciler's rate and its parallelism (ReconcilerService concurrency). */
export const RECONCILER_RUNS_PER_DAY = 24 * 12;
const RECONCILER_CONCURRENCY = 8;

/** Memory (MB) of each function, from the settings table the CDK app deploys (lib/function-settings.ts). */
export function memorySizes(): Record<FunctionName, number> {
  return Object.fromEntries(FUNCTIONS.map((name) => [name, FUNCTION_SETTINGS[name].memorySize])) as Record<
    FunctionName,
    number
  >;
}

const callMs = (calls: Record<string, number>) =>
  Object.entries(calls).reduce((ms, [line, n]) => ms + n * (AWS_CALL_MS[line] ?? DEFAULT_CALL_MS), 0);

export interface CostLine {
  service: string;
  quantity: string;
  usdPerThousand: number;
  arithmetic: string;
}

export interface CostModel {
  lines: CostLine[];
  /** $ per negotiation (instant: numbers in, deal made, nothing waiting). */
  perNegotiation: number;
  /** $ per day a negotiation stays open (reconciler work), and the totals for 2 and 30 days open. */
  perOpenDay: number;
  perNegotiationOpen2Days: number;
  perNegotiationOpen30Days: number;
  reconcilerLines: { service: string; quantity: string; usd: number; arithmetic: string }[];
  apart: string[];
  lambda: { fn: string; invocations: number; billedMs: number; memoryMb: number }[];
}

const fmt = (n: number, digits = 2) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
const usd = (n: number) => `$${n < 0.01 ? n.toPrecision(3) : n.toFixed(4)}`;

export function costModel(usage: NegotiationUsage, reconciler: ReconcilerUsage): CostModel {
  const memory = memorySizes();
  const routeFn = new Map(API_ROUTES.map((r) => [`${r.method} ${r.path}`, r.fn]));
  const lines: CostLine[] = [];
  const k = 1000;
  const get = (line: string) => usage.lines[line] ?? 0;

  // Lambda: one invocation per API request; one per stream record passing a filter (match, notify).
  const lambda: CostModel['lambda'] = [];
  let gbSeconds = 0;
  let invocations = 0;
  for (const [route, requests] of Object.entries(usage.apiRequests)) {
    const fn = routeFn.get(route) ?? 'api';
    const calls = usage.scopes[route] ?? {};
    const billedMs = HANDLER_OVERHEAD_MS + callMs(calls) / requests;
    lambda.push({ fn: `${fn} (${route})`, invocations: requests, billedMs, memoryMb: memory[fn] });
  }
  const streamInvocations = Object.values(usage.streamRecords).reduce((s, x) => s + x, 0);
  if (streamInvocations > 0) {
    const billedMs = HANDLER_OVERHEAD_MS + callMs(usage.scopes.background ?? {}) / streamInvocations;
    lambda.push({
      fn: `match + notify (${Object.entries(usage.streamRecords)
        .map(([c, x]) => `${fmt(x)} ${c}`)
        .join(', ')})`,
      invocations: streamInvocations,
      billedMs,
      memoryMb: memory.match,
    });
  }
  for (const l of lambda) {
    gbSeconds += l.invocations * (Math.ceil(l.billedMs) / 1000) * (l.memoryMb / 1024);
    invocations += l.invocations;
  }
  lines.push({
    service: 'Lambda duration (ARM)',
    quantity: `${fmt(gbSeconds, 4)} GB-s`,
    usdPerThousand: k * gbSeconds * PRICES.lambdaGbSecond,
    arithmetic: `1000 × ${fmt(gbSeconds, 4)} GB-s × $0.0000133334`,
  });
  lines.push({
    service: 'Lambda requests',
    quantity: `${fmt(invocations)} invocations`,
    usdPerThousand: k * invocations * PRICES.lambdaRequest,
    arithmetic: `1000 × ${fmt(invocations)} × $0.20/M`,
  });
  const apiRequests = Object.values(usage.apiRequests).reduce((s, x) => s + x, 0);
  lines.push({
    service: 'API Gateway (HTTP API)',
    quantity: `${fmt(apiRequests)} requests`,
    usdPerThousand: k * apiRequests * PRICES.apiGatewayHttpRequest,
    arithmetic: `1000 × ${fmt(apiRequests)} × $1.00/M`,
  });
  lines.push({
    service: 'DynamoDB writes (on-demand)',
    quantity: `${fmt(usage.wru, 1)} WRU`,
    usdPerThousand: k * usage.wru * PRICES.dynamoWru,
    arithmetic: `1000 × ${fmt(usage.wru, 1)} WRU × $0.625/M`,
  });
  lines.push({
    service: 'DynamoDB reads (on-demand)',
    quantity: `${fmt(usage.rru, 1)} RRU`,
    usdPerThousand: k * usage.rru * PRICES.dynamoRru,
    arithmetic: `1000 × ${fmt(usage.rru, 1)} RRU × $0.125/M`,
  });
  const kms = get('KMS Encrypt') + get('KMS Decrypt');
  lines.push({
    service: 'KMS requests',
    quantity: `${fmt(get('KMS Encrypt'))} Encrypt + ${fmt(get('KMS Decrypt'))} Decrypt`,
    usdPerThousand: k * kms * PRICES.kmsRequest,
    arithmetic: `1000 × ${fmt(kms)} × $0.03/10k`,
  });
  const schedules = get('Scheduler CreateSchedule');
  lines.push({
    service: 'EventBridge Scheduler',
    quantity: `≤ ${fmt(schedules)} invocations (schedules created; a deal deletes them unfired)`,
    usdPerThousand: k * schedules * PRICES.schedulerInvocation,
    arithmetic: `1000 × ${fmt(schedules)} × $1.00/M (upper bound)`,
  });
  lines.push({
    service: 'SES',
    quantity: `${fmt(get('SESv2 SendEmail'))} sends to ${fmt(usage.emailRecipients)} recipients`,
    usdPerThousand: k * usage.emailRecipients * PRICES.sesEmail,
    arithmetic: `1000 × ${fmt(usage.emailRecipients)} × $0.10/1000`,
  });
  const perNegotiation = lines.reduce((s, l) => s + l.usdPerThousand, 0) / k;

  // The reconciler: a fixed part per run, and a part per open session per run.
  const recon = reconciler.lines;
  const fixedQueries = 2;
  const sessions = Math.max(reconciler.sessions, 1);
  const perSessionCalls: Record<string, number> = {};
  for (const [line, n] of Object.entries(recon)) {
    perSessionCalls[line] = (line === 'DynamoDB Query' ? Math.max(n - fixedQueries, 0) : n) / sessions;
  }
  const perSessionRru = reconciler.rru / sessions;
  const perSessionWru = reconciler.wru / sessions;
  const perSessionMs = callMs(perSessionCalls) / RECONCILER_CONCURRENCY;
  const perSessionRun =
    perSessionRru * PRICES.dynamoRru +
    perSessionWru * PRICES.dynamoWru +
    (perSessionMs / 1000) * (memory.reconciler / 1024) * PRICES.lambdaGbSecond;
  const perOpenDay = RECONCILER_RUNS_PER_DAY * perSessionRun;
  const fixedRunMs = HANDLER_OVERHEAD_MS + fixedQueries * (AWS_CALL_MS['DynamoDB Query'] ?? 8);
  const fixedMonth =
    30 *
    RECONCILER_RUNS_PER_DAY *
    (PRICES.lambdaRequest +
      (Math.ceil(fixedRunMs) / 1000) * (memory.reconciler / 1024) * PRICES.lambdaGbSecond +
      fixedQueries * 0.5 * PRICES.dynamoRru);
  const callList = Object.entries(perSessionCalls)
    .filter(([, n]) => n > 0)
    .map(([line, n]) => `${fmt(n)} ${line}`)
    .join(' + ');
  const reconcilerLines: CostModel['reconcilerLines'] = [
    {
      service: 'Reconciler, per open session per run',
      quantity: `${callList}; ${fmt(perSessionRru, 2)} RRU; ~${fmt(perSessionMs, 1)} ms of a ${memory.reconciler} MB run`,
      usd: perSessionRun,
      arithmetic: `${fmt(perSessionRru, 2)} × $0.125/M + ${fmt(perSessionMs, 1)} ms × ${memory.reconciler / 1024} GB × $0.0000133334/GB-s (Scheduler API calls are not billed)`,
    },
    {
      service: 'Reconciler, per open session per day',
      quantity: `${RECONCILER_RUNS_PER_DAY} runs`,
      usd: perOpenDay,
      arithmetic: `${RECONCILER_RUNS_PER_DAY} × ${usd(perSessionRun)}`,
    },
    {
      service: 'Reconciler, fixed per month (whatever the traffic)',
      quantity: `${30 * RECONCILER_RUNS_PER_DAY} runs × (1 invocation + ${fixedQueries} index queries)`,
      usd: fixedMonth,
      arithmetic: `30 × ${RECONCILER_RUNS_PER_DAY} × ($0.20/M + ${Math.ceil(fixedRunMs)} ms × ${memory.reconciler / 1024} GB × $0.0000133334 + ${fixedQueries} × 0.5 RRU × $0.125/M), per month, not per negotiation`,
    },
  ];
  const apart = [
    `KMS key: $${PRICES.kmsKeyMonth.toFixed(2)} per month per key (one key).`,
    `Secrets Manager: $${PRICES.secretMonth.toFixed(2)} per secret per month; one GetSecretValue per cold start of a function that reads a key ($${PRICES.secretsManagerCall.toFixed(6)} each).`,
    `Cognito: monthly active users, not negotiations — Lite tier $${PRICES.cognitoMauLite}/MAU and Essentials $${PRICES.cognitoMauEssentials}/MAU beyond the 10,000 free MAU; a negotiation has 2–3 users.`,
    `CloudWatch Logs: $${PRICES.logsIngestGb.toFixed(2)}/GB ingested; ~${fmt(invocations)} invocations × ~0.5 KB of JSON log lines ≈ ${usd(invocations * 512 * 1e-9 * PRICES.logsIngestGb)} per negotiation.`,
  ];
  return {
    lines,
    perNegotiation,
    perOpenDay,
    perNegotiationOpen2Days: perNegotiation + 2 * perOpenDay,
    perNegotiationOpen30Days: perNegotiation + 30 * perOpenDay,
    reconcilerLines,
    apart,
    lambda,
  };
}

export function costTables(model: CostModel): string {
  const main = markdownTable(
    ['service', 'per negotiation', '$ per 1,000 negotiations', 'arithmetic'],
    [
      ...model.lines.map((l) => [l.service, l.quantity, `$${l.usdPerThousand.toFixed(4)}`, l.arithmetic]),
      [
        '**total**',
        '',
        `**$${(model.perNegotiation * 1000).toFixed(4)}**`,
        `= $${model.perNegotiation.toFixed(6)} per negotiation`,
      ],
    ],
  );
  const lambda = markdownTable(
    ['function (trigger)', 'invocations', 'billed ms (model)', 'memory'],
    model.lambda.map((l) => [l.fn, fmt(l.invocations), fmt(Math.ceil(l.billedMs)), `${l.memoryMb} MB`]),
  );
  const reconciler = markdownTable(
    ['reconciler', 'quantity', '$', 'arithmetic'],
    model.reconcilerLines.map((l) => [l.service, l.quantity, usd(l.usd), l.arithmetic]),
  );
  return [
    main,
    '',
    'Lambda billed duration per invocation (AWS latency model × the calls each one makes):',
    '',
    lambda,
    '',
    'While a negotiation stays open, the reconciler looks at it every 5 minutes:',
    '',
    reconciler,
    '',
    `Per negotiation, open 2 days: ${usd(model.perNegotiationOpen2Days)}; open 30 days (the longest: 48 h + 28 days): ${usd(model.perNegotiationOpen30Days)}.`,
    '',
    'Shown apart:',
    '',
    ...model.apart.map((a) => `- ${a}`),
  ].join('\n');
}
