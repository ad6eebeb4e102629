/**
 * Every AWS request the handlers make, as AWS would see it, while the local runtime runs in this
 * process: the RequestCounter (bench/lib/request-counter.ts) on every client made by
 * shared/adapters/aws-clients.ts, plus the local stand-ins mapped to the AWS calls they replace:
 *
 * - the local sealer's seal/open → `KMS Encrypt` / `KMS Decrypt` (the prototype is wrapped);
 * - local timers (items under pk `TIMER`): Put → `Scheduler CreateSchedule`, Delete →
 *   `Scheduler DeleteSchedule`; the runtime's own due-timer Query is local machinery (Scheduler
 *   fires by itself) and is left out;
 * - SES v2 through the local endpoint is the real SESv2 client: recipients are counted too (SES
 *   bills per recipient).
 *
 * Each request is attributed to the HTTP route being served (an AsyncLocalStorage run around
 * every request of the runtime's server, see runtime.ts) or to `background` (stream consumers,
 * timers).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { LocalSealer } from '../../shared/adapters/local-sealer';
import { TABLE } from '../../shared/table/definition';
import { DynamoDbUsageModel } from './dynamodb-usage';
import { type OperationCount, RequestCounter, type RequestRecord } from './request-counter';

export interface RequestScope {
  route: string;
}

/** The HTTP request being served, if any (set by the bench's server wrapper). */
export const requestScope = new AsyncLocalStorage<RequestScope>();

export interface UsageLine {
  /** `DynamoDB GetItem`, `KMS Encrypt`, `Scheduler CreateSchedule` … */
  line: string;
  requests: number;
  errors: number;
  totalMs: number;
}

type Item = Record<string, unknown>;

export class AwsUsage {
  readonly dynamodb = new DynamoDbUsageModel();
  private lines = new Map<string, UsageLine>();
  private byScope = new Map<string, Map<string, number>>();
  private byScopeMs = new Map<string, Map<string, number>>();
  emailRecipients = 0;
  /** Reconciler runs seen (its query of the work index for open sessions starts each run). */
  reconcilerRuns = 0;
  readonly counter: RequestCounter;

  constructor() {
    this.counter = new RequestCounter({ onRequest: (record) => this.observe(record) });
  }

  reset(): void {
    this.counter.reset();
    this.dynamodb.reset();
    this.lines = new Map();
    this.byScope = new Map();
    this.byScopeMs = new Map();
    this.emailRecipients = 0;
    this.reconcilerRuns = 0;
  }

  /** Counts the local sealer's calls as the KMS calls they stand for. Returns an undo function. */
  wrapLocalSealer(): () => void {
    const proto = LocalSealer.prototype;
    const { sealNumber, openNumber } = proto;
    const counter = this.counter;
    proto.sealNumber = async function (this: LocalSealer, ...args: Parameters<typeof sealNumber>) {
      const started = performance.now();
      try {
        return await sealNumber.apply(this, args);
      } finally {
        counter.record('KMS', 'Encrypt', { durationMs: performance.now() - started });
      }
    };
    proto.openNumber = async function (this: LocalSealer, ...args: Parameters<typeof openNumber>) {
      const started = performance.now();
      try {
        return await openNumber.apply(this, args);
      } finally {
        counter.record('KMS', 'Decrypt', { durationMs: performance.now() - started });
      }
    };
    return () => {
      proto.sealNumber = sealNumber;
      proto.openNumber = openNumber;
    };
  }

  private classify(record: RequestRecord): string | null {
    const input = (record.input ?? {}) as Item;
    if (record.service === 'DynamoDB') {
      const pk =
        ((input.Item as Item | undefined)?.pk as string | undefined) ??
        ((input.Key as Item | undefined)?.pk as string | undefined) ??
        ((input.ExpressionAttributeValues as Item | undefined)?.[':pk'] as string | undefined);
      if (pk === 'TIMER') {
        if (record.operation === 'PutItem') return 'Scheduler CreateSchedule';
        if (record.operation === 'DeleteItem') return 'Scheduler DeleteSchedule';
        return null; // the local runtime's due-timer poll
      }
    }
    return `${record.service} ${record.operation}`;
  }

  private observe(record: RequestRecord): void {
    const input = (record.input ?? {}) as Item;
    if (
      record.operation === 'Query' &&
      input.IndexName === TABLE.indexes.byWork.name &&
      (input.ExpressionAttributeValues as Item | undefined)?.[':pk'] === 'ACTIVE'
    ) {
      this.reconcilerRuns++;
    }
    const line = this.classify(record);
    if (line === null) return;
    const entry = this.lines.get(line) ?? { line, requests: 0, errors: 0, totalMs: 0 };
    entry.requests += record.attempts;
    entry.errors += record.error === undefined ? 0 : 1;
    entry.totalMs += record.durationMs;
    this.lines.set(line, entry);
    const scope = requestScope.getStore()?.route ?? 'background';
    const perScope = this.byScope.get(scope) ?? new Map<string, number>();
    perScope.set(line, (perScope.get(line) ?? 0) + record.attempts);
    this.byScope.set(scope, perScope);
    const msPerScope = this.byScopeMs.get(scope) ?? new Map<string, number>();
    msPerScope.set(line, (msPerScope.get(line) ?? 0) + record.durationMs);
    this.byScopeMs.set(scope, msPerScope);
    if (line.startsWith('DynamoDB ')) {
      this.dynamodb.observe(
        record.operation,
        record.input as Item,
        record.output as Item | undefined,
        record.error !== undefined,
      );
    }
    if (line === 'SESv2 SendEmail' && record.error === undefined) {
      const destination = (record.input as Item | undefined)?.Destination as Item | undefined;
      for (const field of ['ToAddresses', 'CcAddresses', 'BccAddresses']) {
        this.emailRecipients += ((destination?.[field] as unknown[] | undefined) ?? []).length;
      }
    }
  }

  /** Requests by line, sorted. */
  snapshot(): UsageLine[] {
    return [...this.lines.values()].map((l) => ({ ...l })).sort((a, b) => a.line.localeCompare(b.line));
  }

  requests(line: string): number {
    return this.lines.get(line)?.requests ?? 0;
  }

  /** Requests by scope (HTTP route or `background`) and line. */
  scopes(): Record<string, Record<string, number>> {
    return Object.fromEntries([...this.byScope].map(([scope, lines]) => [scope, Object.fromEntries(lines)]));
  }

  /** Time spent in AWS calls so far within one scope, by line (ms, cumulative since reset). */
  scopeMs(scope: string): Record<string, number> {
    return Object.fromEntries(this.byScopeMs.get(scope) ?? []);
  }

  /** The raw counter's view (SDK operations, local timers not yet mapped). */
  sdkOperations(): OperationCount[] {
    return this.counter.snapshot();
  }
}
