/**
 * Errors adapters raise when an outside dependency (KMS, SES, Scheduler, Secrets Manager, the local
 * sealer's key) fails. The message carries only the dependency, the operation and the error's
 * class name: never the original message, the request or a cause, so nothing a caller logs can
 * hold a submitted number (SPEC §2.4).
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
  ) {
    super(`${dependency} ${operation} failed: ${reason}`);
  }
}

const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;

/** The error's class name when it looks like one (an SDK exception name), else 'UnknownError'. */
export function errorName(error: unknown): string {
  const name = error instanceof Error ? error.name : undefined;
  return name !== undefined && SAFE_NAME.test(name) ? name : 'UnknownError';
}

/** Wraps any failure of a dependency call, keeping only its class name. */
export function dependencyFailure(dependency: string, operation: string, error: unknown): DependencyError {
  if (error instanceof DependencyError) return error;
  return new DependencyError(dependency, operation, errorName(error));
}
