/**
 * What DynamoDB on-demand would bill for the requests the counter saw, and which stream records
 * they produce. DynamoDB Local's own ConsumedCapacity is wrong for transactions (it reports about
 * twice what AWS bills and leaves out index writes of overwrites), so capacity is computed here
 * from item sizes, by AWS's published rules:
 *
 * - item size = Σ (attribute name bytes + value bytes); strings UTF-8, numbers ≈ 1 + ⌈digits / 2⌉,
 *   binary its bytes, booleans/null 1, lists and maps 3 + Σ (1 + element);
 * - writes: 1 WRU per started KB of the larger of the item before and after; in a transaction 2;
 *   a failed conditional write is billed too;
 * - each index whose keys the item has before or after: one index write per started KB of the
 *   index entry (item + 100 bytes), two when the index key changes (delete + put); index writes
 *   caused by a transaction are counted as standard writes (1 WRU/KB) — an assumption, see
 *   docs/cost.md;
 * - reads: 1 RRU per started 4 KB (strongly consistent), half that eventually consistent; a Query
 *   rounds the sum of the items it read, a BatchGetItem each item; a read of a missing item costs
 *   the minimum.
 *
 * Item states are tracked in a shadow map from the writes (and full reads) observed, so updates,
 * deletes and index effects can be priced, and so each write's new image can be matched against
 * the stream filters (one record → one Lambda invocation at most on AWS).
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { type FilterPattern, matchesFilter } from '../../local/services/event-filter';
import { STREAM_FILTERS, TABLE } from '../../shared/table/definition';

type Item = Record<string, unknown>;

export interface DynamoDbUsage {
  wru: number;
  rru: number;
  /** Of `wru`, writes to global secondary indexes. */
  indexWru: number;
  /** Stream records that pass each consumer's filter (on AWS: at most one invocation each). */
  streamRecords: Record<string, number>;
  /** Item sizes of writes by item type (bytes), for the report. */
  itemBytes: Record<string, number[]>;
}

export const emptyDynamoDbUsage = (): DynamoDbUsage => ({
  wru: 0,
  rru: 0,
  indexWru: 0,
  streamRecords: Object.fromEntries(Object.keys(STREAM_FILTERS).map((k) => [k, 0])),
  itemBytes: {},
});

const KB = 1024;
const INDEX_OVERHEAD = 100;

function numberSize(value: number | bigint): number {
  const digits = String(value)
    .replace(/^-/, '')
    .replace(/[.eE].*$/, '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return 1 + Math.ceil(Math.max(digits.length, 1) / 2);
}

export function valueSize(value: unknown): number {
  if (value === null) return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (typeof value === 'boolean') return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((s: number, v) => s + valueSize(v), 0);
  if (Array.isArray(value))
    return 3 + value.reduce((s: number, v) => s + (v === undefined ? 0 : 1 + valueSize(v)), 0);
  if (typeof value === 'object') {
    let size = 3;
    for (const [k, v] of Object.entries(value as Item))
      if (v !== undefined) size += 1 + Buffer.byteLength(k) + valueSize(v);
    return size;
  }
  return 0;
}

export function itemSize(item: Item): number {
  let size = 0;
  for (const [k, v] of Object.entries(item)) if (v !== undefined) size += Buffer.byteLength(k) + valueSize(v);
  return size;
}

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));
const readUnits = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / (4 * KB))) * (consistent ? 1 : 0.5);

const INDEXES = Object.values(TABLE.indexes).map((i) => ({
  name: i.name,
  keys: [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])],
}));

const keyOf = (table: string, key: Item) => `${table}\u0000${String(key.pk)}\u0000${String(key.sk)}`;

function indexKey(item: Item | undefined, keys: string[]): string | null {
  if (!item || keys.some((k) => item[k] === undefined)) return null;
  return keys.map((k) => String(item[k])).join('\u0000');
}

/** What kind of item this is, for the size report. */
function itemKind(item: Item): string {
  if (typeof item.type === 'string') return item.type;
  if (item.sk === 'SESSION') return 'session';
  return String(item.sk ?? 'item')
    .split('#')[0]!
    .toLowerCase();
}

/** Applies the simple `SET a = :v, #b = :w REMOVE c, #d` updates the product uses; anything else keeps the old value. */
function applyUpdate(before: Item | undefined, input: Item): Item {
  const after: Item = { ...(before ?? {}), ...(input.Key as Item) };
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Item;
  const resolve = (token: string) => names[token.trim()] ?? token.trim();
  const expression = String(input.UpdateExpression ?? '');
  const clauses = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/i).map((s) => s.trim());
  for (let i = 1; i < clauses.length; i += 2) {
    const verb = clauses[i]!.toUpperCase();
    const body = clauses[i + 1] ?? '';
    for (const part of body.split(',')) {
      if (verb === 'SET') {
        const [path, value] = part.split('=').map((s) => s.trim());
        if (path && value && /^:[A-Za-z0-9_]+$/.test(value)) after[resolve(path)] = values[value];
      } else if (verb === 'REMOVE') {
        delete after[resolve(part)];
      }
    }
  }
  return after;
}

export class DynamoDbUsageModel {
  private readonly items = new Map<string, Item>();
  usage: DynamoDbUsage = emptyDynamoDbUsage();

  reset(): void {
    this.usage = emptyDynamoDbUsage();
  }

  /** Prices one request (its input, and output when it succeeded). */
  observe(operation: string, input: Item, output: Item | undefined, failed: boolean): void {
    switch (operation) {
      case 'PutItem':
        this.write({ Put: input }, 1, failed);
        break;
      case 'UpdateItem':
        this.write({ Update: input }, 1, failed);
        break;
      case 'DeleteItem':
        this.write({ Delete: input }, 1, failed);
        break;
      case 'TransactWriteItems':
        for (const item of (input.TransactItems ?? []) as Item[]) this.write(item, 2, failed);
        break;
      case 'GetItem':
        this.getItem(input, output);
        break;
      case 'Query':
        this.query(input, output);
        break;
      case 'BatchGetItem':
        this.batchGet(input, output);
        break;
      default:
        break; // DescribeTable, CreateTable …: control plane, not billed per request.
    }
  }

  private write(entry: Item, factor: number, failed: boolean): void {
    const [verb, request] = Object.entries(entry)[0] as [string, Item];
    const table = String(request.TableName);
    const key =
      verb === 'Put'
        ? { pk: (request.Item as Item).pk, sk: (request.Item as Item).sk }
        : (request.Key as Item);
    const id = keyOf(table, key);
    const before = this.items.get(id);
    let after: Item | undefined;
    if (verb === 'Put') after = request.Item as Item;
    else if (verb === 'Update') after = applyUpdate(before, request);
    else if (verb === 'Delete') after = undefined;
    else return; // ConditionCheck: not used by the product.
    const beforeSize = before ? itemSize(before) : 0;
    const afterSize = after ? itemSize(after) : 0;
    this.usage.wru += factor * writeUnits(Math.max(beforeSize, afterSize));
    if (failed) return;
    if (after) {
      const kind = itemKind(after);
      this.usage.itemBytes[kind] ??= [];
      this.usage.itemBytes[kind].push(afterSize);
    }
    for (const index of INDEXES) {
      const old = indexKey(before, index.keys);
      const now = indexKey(after, index.keys);
      let writes = 0;
      if (old !== null && now !== null) writes = old === now ? 1 : 2;
      else if (old !== null || now !== null) writes = 1;
      const entrySize = Math.max(beforeSize, afterSize) + INDEX_OVERHEAD;
      this.usage.indexWru += writes * writeUnits(entrySize);
      this.usage.wru += writes * writeUnits(entrySize);
    }
    if (after) this.items.set(id, after);
    else this.items.delete(id);
    // The stream record this write produces (a write that changes nothing produces none).
    if (after && JSON.stringify(before) !== JSON.stringify(after)) {
      const record = {
        eventName: before ? 'MODIFY' : 'INSERT',
        dynamodb: { NewImage: marshall(after, { removeUndefinedValues: true }) },
      };
      for (const [consumer, filters] of Object.entries(STREAM_FILTERS)) {
        if (matchesFilter(record, filters as unknown as FilterPattern[])) {
          this.usage.streamRecords[consumer] = (this.usage.streamRecords[consumer] ?? 0) + 1;
        }
      }
    }
  }

  private learn(table: string, item: Item, projected: boolean): number {
    const id = keyOf(table, item);
    const known = this.items.get(id);
    if (!projected && !known) this.items.set(id, item);
    return itemSize(known ?? item);
  }

  private getItem(input: Item, output: Item | undefined): void {
    const item = output?.Item as Item | undefined;
    const size = item
      ? this.learn(String(input.TableName), item, input.ProjectionExpression !== undefined)
      : 0;
    this.usage.rru += readUnits(size, input.ConsistentRead === true);
  }

  private query(input: Item, output: Item | undefined): void {
    const items = (output?.Items ?? []) as Item[];
    const onIndex = input.IndexName !== undefined;
    let total = 0;
    for (const item of items) {
      total += this.learn(String(input.TableName), item, onIndex || input.ProjectionExpression !== undefined);
      if (onIndex) total += INDEX_OVERHEAD;
    }
    this.usage.rru += readUnits(total, input.ConsistentRead === true);
  }

  private batchGet(input: Item, output: Item | undefined): void {
    const requests = (input.RequestItems ?? {}) as Record<string, Item>;
    const responses = (output?.Responses ?? {}) as Record<string, Item[]>;
    for (const [table, request] of Object.entries(requests)) {
      const consistent = request.ConsistentRead === true;
      const found = responses[table] ?? [];
      for (const item of found) this.usage.rru += readUnits(this.learn(table, item, false), consistent);
      const missing = ((request.Keys as Item[] | undefined)?.length ?? 0) - found.length;
      if (missing > 0) this.usage.rru += missing * readUnits(0, consistent);
    }
  }
}
