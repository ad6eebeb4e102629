/**
 * Lambda event filtering (the EventBridge pattern syntax an event source mapping's
 * `FilterCriteria` uses), applied by the local stream poller to each stream record.
 *
 * Semantics implemented (those of Lambda):
 * - a list of patterns matches when ANY pattern matches (OR); no patterns → everything matches;
 * - a pattern object matches when EVERY key matches (AND); nested objects descend into the record;
 * - a leaf is a list of alternatives (OR): exact strings, numbers (numeric equality against JSON
 *   numbers, never against numeric strings: DynamoDB's `{"N": "1"}` is matched by `"1"`), booleans
 *   and null, plus the operators `exists`, `prefix`, `suffix`, `equals-ignore-case`,
 *   `anything-but` and `numeric`;
 * - when the record's value is an array, the leaf matches if any element matches;
 * - a key missing from the record fails the match (unless `{ "exists": false }`).
 * Any other operator throws, so a filter we do not emulate is never silently mis-applied.
 */

export type FilterLeaf = string | number | boolean | null | { readonly [operator: string]: unknown };

export interface FilterPattern {
  readonly [key: string]: FilterPattern | readonly FilterLeaf[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when `record` matches at least one of `patterns` (or there are none). */
export function matchesFilter(record: unknown, patterns: readonly FilterPattern[] | undefined): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((pattern) => matchesPattern(record, pattern));
}

function matchesPattern(value: unknown, pattern: FilterPattern): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = isObject(value) ? value[key] : undefined;
    if (Array.isArray(expected)) return matchesLeaf(actual, expected as readonly FilterLeaf[]);
    if (!isObject(actual)) return false;
    return matchesPattern(actual, expected as FilterPattern);
  });
}

function matchesLeaf(actual: unknown, alternatives: readonly FilterLeaf[]): boolean {
  return alternatives.some((alternative) => {
    if (isObject(alternative)) {
      if ('exists' in alternative) return (actual !== undefined) === alternative.exists;
      if (actual === undefined) return false;
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((one) => matchesOperator(one, alternative));
    }
    if (actual === undefined) return false;
    const values = Array.isArray(actual) ? actual : [actual];
    return values.some((one) => one === alternative);
  });
}

function matchesOperator(actual: unknown, operator: { readonly [operator: string]: unknown }): boolean {
  const [name, ...others] = Object.keys(operator);
  if (others.length > 0 || name === undefined) {
    throw new Error(`event filter: one operator per object expected, got ${JSON.stringify(operator)}`);
  }
  const argument = operator[name];
  switch (name) {
    case 'prefix':
      return typeof actual === 'string' && typeof argument === 'string' && actual.startsWith(argument);
    case 'suffix':
      return typeof actual === 'string' && typeof argument === 'string' && actual.endsWith(argument);
    case 'equals-ignore-case':
      return (
        typeof actual === 'string' &&
        typeof argument === 'string' &&
        actual.toLowerCase() === argument.toLowerCase()
      );
    case 'anything-but': {
      if (isObject(argument)) return !matchesOperator(actual, argument);
      const excluded = Array.isArray(argument) ? argument : [argument];
      return !excluded.some((one) => one === actual);
    }
    case 'numeric':
      return typeof actual === 'number' && matchesNumeric(actual, argument);
    default:
      throw new Error(`event filter: operator "${name}" is not supported by the local emulation`);
  }
}

function matchesNumeric(actual: number, conditions: unknown): boolean {
  if (!Array.isArray(conditions) || conditions.length % 2 !== 0) {
    throw new Error(`event filter: bad numeric condition ${JSON.stringify(conditions)}`);
  }
  for (let i = 0; i < conditions.length; i += 2) {
    const [op, bound] = [conditions[i], conditions[i + 1]];
    if (typeof bound !== 'number') throw new Error(`event filter: numeric bound must be a number`);
    const ok =
      op === '='
        ? actual === bound
        : op === '<'
          ? actual < bound
          : op === '<='
            ? actual <= bound
            : op === '>'
              ? actual > bound
              : op === '>='
                ? actual >= bound
                : undefined;
    if (ok === undefined) throw new Error(`event filter: unknown numeric operator ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}
