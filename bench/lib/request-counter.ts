/**
 * Counts the requests AWS SDK v3 clients send, by service and operation (`DynamoDB
 * TransactWriteItems`, `KMS Encrypt` …), with a middleware on each client's stack. Used by the
 * benchmark through `countRequests` below: nothing in the product attaches it.
 *
 * - `requests` counts the HTTP attempts AWS saw and bills (an SDK retry is a second request), read
 *   from `$metadata.attempts`; `calls` counts `send()`s.
 * - A failed call is counted too (a failed conditional write is billed), with its error's name.
 * - `record()` counts a request that did not go through an SDK client (e.g. a "would-be KMS" call
 *   made by the local sealer).
 * - `onRequest` sees each call's input and output (or error) after it ends, for deeper analysis
 *   (the benchmark derives DynamoDB capacity units from them). Items may hold sealed numbers:
 *   never log what it receives.
 *
 * The middleware sits at the `initialize` step, outermost: for a DynamoDBDocumentClient command it
 * sees the command's own (unmarshalled) input and output, and the base operation's name
 * (`GetItem` for a document client's `GetCommand`). A document client shares its base client's
 * stack, so attach to the base client only.
 */

import {
  dynamoDbClient,
  kmsClient,
  schedulerClient,
  secretsManagerClient,
  sesClient,
} from '../../shared/adapters/aws-clients';

/** What the middleware needs of a client: its middleware stack (every SDK v3 client has one). */
export interface CountableClient {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'initialize'; name: string; priority?: 'high' }): void;
    remove(nameOrMiddleware: string): boolean;
  };
}

export interface RequestRecord {
  /** `DynamoDB`, `KMS`, `SESv2`, `Scheduler`, `SecretsManager` (the client's name less `Client`). */
  service: string;
  /** `TransactWriteItems`, `Encrypt`, `SendEmail` … (the command's name less `Command`). */
  operation: string;
  /** HTTP attempts (1 unless the SDK retried). */
  attempts: number;
  /** From `send()` to its answer, retries included. */
  durationMs: number;
  /** The error's name when the call failed. */
  error?: string;
  input: unknown;
  output?: unknown;
}

export interface OperationCount {
  service: string;
  operation: string;
  /** `send()` calls (or `record()`s). */
  calls: number;
  /** HTTP attempts: what AWS bills. */
  requests: number;
  /** Calls that ended in an error, by error name. */
  errors: Record<string, number>;
  /** Sum of call durations (ms). */
  totalMs: number;
}

export interface RequestCounterOptions {
  /** Called after each call ends (success or failure), synchronously; an exception is ignored. */
  onRequest?: (record: RequestRecord) => void;
}

export const REQUEST_COUNTER_MIDDLEWARE = 'backchannelRequestCounter';

interface HandlerContext {
  clientName?: string;
  commandName?: string;
}

type Handler = (args: { input: unknown }) => Promise<{ output: unknown }>;

const metadataAttempts = (value: unknown): number => {
  const attempts = (value as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
};

/** `DynamoDBClient` → `DynamoDB`, `TransactWriteItemsCommand` → `TransactWriteItems`. */
export const serviceName = (clientName: string | undefined) =>
  (clientName ?? 'Unknown').replace(/Client$/, '') || 'Unknown';
export const operationName = (commandName: string | undefined) =>
  (commandName ?? 'Unknown').replace(/Command$/, '') || 'Unknown';

export class RequestCounter {
  private readonly counts = new Map<string, OperationCount>();
  private readonly attached = new Set<CountableClient>();

  constructor(private readonly options: RequestCounterOptions = {}) {}

  /** Adds the counting middleware to a client (once per client). Returns a function that removes it. */
  attach(client: CountableClient): () => void {
    if (!this.attached.has(client)) {
      client.middlewareStack.add(this.middleware, {
        step: 'initialize',
        name: REQUEST_COUNTER_MIDDLEWARE,
        priority: 'high',
      });
      this.attached.add(client);
    }
    return () => this.detach(client);
  }

  detach(client: CountableClient): void {
    if (!this.attached.delete(client)) return;
    client.middlewareStack.remove(REQUEST_COUNTER_MIDDLEWARE);
  }

  /** Counts a request made without an SDK client (e.g. `record('KMS', 'Encrypt')` for the local sealer). */
  record(
    service: string,
    operation: string,
    extra: Partial<Omit<RequestRecord, 'service' | 'operation'>> = {},
  ) {
    this.add({ service, operation, attempts: 1, durationMs: 0, input: undefined, ...extra });
  }

  /** Every operation seen, sorted by service then operation. */
  snapshot(): OperationCount[] {
    return [...this.counts.values()]
      .map((c) => ({ ...c, errors: { ...c.errors } }))
      .sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation));
  }

  /** Requests (HTTP attempts) of one service, or of one operation of it. */
  requests(service: string, operation?: string): number {
    let total = 0;
    for (const c of this.counts.values()) {
      if (c.service === service && (operation === undefined || c.operation === operation))
        total += c.requests;
    }
    return total;
  }

  reset(): void {
    this.counts.clear();
  }

  private add(record: RequestRecord): void {
    const key = `${record.service}\u0000${record.operation}`;
    let count = this.counts.get(key);
    if (!count) {
      count = {
        service: record.service,
        operation: record.operation,
        calls: 0,
        requests: 0,
        errors: {},
        totalMs: 0,
      };
      this.counts.set(key, count);
    }
    count.calls++;
    count.requests += record.attempts;
    count.totalMs += record.durationMs;
    if (record.error !== undefined) count.errors[record.error] = (count.errors[record.error] ?? 0) + 1;
    try {
      this.options.onRequest?.(record);
    } catch {
      // An observer's bug must never change what the client returns.
    }
  }

  private readonly middleware =
    (next: Handler, context: HandlerContext): Handler =>
    async (args) => {
      const service = serviceName(context.clientName);
      const operation = operationName(context.commandName);
      const started = performance.now();
      try {
        const result = await next(args);
        this.add({
          service,
          operation,
          attempts: metadataAttempts(result.output),
          durationMs: performance.now() - started,
          input: args.input,
          output: result.output,
        });
        return result;
      } catch (error) {
        this.add({
          service,
          operation,
          attempts: metadataAttempts(error),
          durationMs: performance.now() - started,
          error: error instanceof Error ? error.name : typeof error,
          input: args.input,
        });
        throw error;
      }
    };
}

/**
 * Attaches `counter` to every SDK client the handlers of this process use (the memoized clients
 * of shared/adapters/aws-clients.ts, for the local endpoints in the environment). Call it after
 * the local runtime has set its environment. Returns the function that detaches it.
 */
export function countRequests(counter: RequestCounter): () => void {
  const dynamoEndpoint = process.env.DYNAMODB_ENDPOINT;
  const sesEndpoint = process.env.SES_ENDPOINT;
  const clients: CountableClient[] = [
    dynamoDbClient(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}),
    sesClient(sesEndpoint ? { endpoint: sesEndpoint } : {}),
    kmsClient(),
    schedulerClient(),
    secretsManagerClient(),
  ];
  for (const client of clients) counter.attach(client);
  return () => {
    for (const client of clients) counter.detach(client);
  };
}
