/**
 * Errors of outside dependencies (DynamoDB, KMS, SES, Scheduler, Secrets Manager, the local
 * sealer's key), and what of them may reach a log line. An SDK or library message could, in
 * theory, quote its input (a submitted number), so only *facts* about an error are kept: its class
 * name, its code (`ECONNREFUSED`, `ThrottlingException`), the HTTP status and attempt count the
 * SDK recorded, and which dependency and operation failed. Never its message, request or cause.
 */
export class DependencyError extends Error {
  override readonly name = 'DependencyError';

  constructor(
    /** Which dependency failed: 'kms', 'local-sealer', 'ses', 'scheduler', 'secrets-manager', … */
    readonly dependency: string,
    /** The operation that failed, e.g. 'Encrypt'. */
    readonly operation: string,
    /** The failure's class name (e.g. 'ThrottlingException'), never its message. */
    readonly reason: string,
    /** What else is safe to know about the failure (code, HTTP status, attempts). */
    readonly facts: Omit<ErrorFacts, 'error' | 'dependency' | 'operation'> = {},
  ) {
    super(`${dependency} ${operation} failed: ${reason}`);
  }
}

const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;

const safe = (value: unknown): string | undefined =>
  typeof value === 'string' && SAFE_NAME.test(value) ? value : undefined;

/** The error's class name when it looks like one (an SDK exception name), else 'UnknownError'. */
export function errorName(error: unknown): string {
  return safe(error instanceof Error ? error.name : undefined) ?? 'UnknownError';
}

/** Is this the AWS (or look-alike) error `name`? Matches by name too: a mock or a second copy of the SDK throws look-alike classes. */
export function isAwsError(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** The fields a log line may carry about an error. */
export interface ErrorFacts {
  error: string;
  code?: string;
  httpStatus?: number;
  attempts?: number;
  dependency?: string;
  operation?: string;
}

/**
 * Everything safe to log about an error, found on it or on its `cause` chain (a fetch failure
 * wraps `ECONNREFUSED` in its cause): name, code, HTTP status, attempts, dependency, operation.
 */
export function errorFacts(error: unknown): ErrorFacts {
  if (error instanceof DependencyError) {
    return {
      error: error.reason,
      dependency: error.dependency,
      operation: error.operation,
      ...error.facts,
    };
  }
  const facts: ErrorFacts = { error: errorName(error) };
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const e = current as {
      code?: unknown;
      Code?: unknown;
      errno?: unknown;
      $metadata?: { httpStatusCode?: unknown; attempts?: unknown };
      cause?: unknown;
    };
    facts.code ??= safe(e.code) ?? safe(e.Code);
    const status = e.$metadata?.httpStatusCode;
    if (facts.httpStatus === undefined && typeof status === 'number') facts.httpStatus = status;
    const attempts = e.$metadata?.attempts;
    if (facts.attempts === undefined && typeof attempts === 'number') facts.attempts = attempts;
    current = e.cause;
  }
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as ErrorFacts;
}

/** Wraps any failure of a dependency call, keeping only the facts errorFacts allows. */
export function dependencyFailure(dependency: string, operation: string, error: unknown): DependencyError {
  if (error instanceof DependencyError) return error;
  const { error: _name, dependency: _d, operation: _o, ...facts } = errorFacts(error);
  return new DependencyError(dependency, operation, errorName(error), facts);
}
