/**
 * What the local runtime logs about an error: its class name and code, never its message (a
 * message may quote a request, and a request may hold a number). `TypeError (ECONNREFUSED)`,
 * `AwsJsonError (ResourceNotFoundException)`, `DependencyError`.
 */
const SAFE = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;

const safe = (value: unknown): string | undefined =>
  typeof value === 'string' && SAFE.test(value) ? value : undefined;

export function errorLabel(error: unknown): string {
  if (!(error instanceof Error)) return 'UnknownError';
  const name = safe(error.name) ?? 'UnknownError';
  const withCode = error as Error & { code?: unknown; type?: unknown; cause?: { code?: unknown } };
  const code = safe(withCode.code) ?? safe(withCode.type) ?? safe(withCode.cause?.code);
  return code && code !== name ? `${name} (${code})` : name;
}
