/**
 * Looks for submitted amounts in raw DynamoDB items, in every form one could take: plain digits,
 * grouped with any usual separator, as major units (two decimals), exponent, hex, base64 of the
 * digits, and the 8-byte big-endian plaintext the sealers encrypt (in binary attributes too).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

const group = (digits: string, sep: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);

/** Every string form of an amount, and its sealed plaintext bytes. */
export function formsOf(amount: number): { strings: string[]; bytes: Buffer } {
  const digits = String(amount);
  const units = digits.length > 2 ? digits.slice(0, -2) : '0';
  const cents = digits.padStart(2, '0').slice(-2);
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(amount));
  const strings = [
    digits,
    ...[',', '.', ' ', '\u00a0', '\u202f', "'", '_'].map((sep) => group(digits, sep)),
    `${units}.${cents}`,
    `${group(units, ',')}.${cents}`,
    `${group(units, '.')},${cents}`,
    `${group(units, ' ')},${cents}`,
    amount.toExponential(),
    amount.toString(16),
    Buffer.from(digits).toString('base64'),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('hex'),
  ];
  return { strings: [...new Set(strings)], bytes };
}

/** Every attribute name and scalar of a value, binary values kept as bytes. */
export function* scalars(value: AttributeValue): Generator<string | Uint8Array> {
  if (value.S !== undefined) yield value.S;
  else if (value.N !== undefined) yield value.N;
  else if (value.B !== undefined) yield value.B;
  else if (value.SS) yield* value.SS;
  else if (value.NS) yield* value.NS;
  else if (value.BS) yield* value.BS;
  else if (value.L) for (const v of value.L) yield* scalars(v);
  else if (value.M)
    for (const [k, v] of Object.entries(value.M)) {
      yield k;
      yield* scalars(v);
    }
}

/** What was found of `amounts` in `items`, described; empty when nothing. */
export function findAmounts(items: Record<string, AttributeValue>[], amounts: number[]): string[] {
  const values = items.flatMap((item) =>
    Object.entries(item).flatMap(([name, value]) => [name, ...scalars(value)]),
  );
  const strings = values.filter((v): v is string => typeof v === 'string');
  const binaries = values.filter((v): v is Uint8Array => typeof v !== 'string').map((b) => Buffer.from(b));
  return amounts.flatMap((amount) => {
    const { strings: forms, bytes } = formsOf(amount);
    return [
      ...forms
        .filter((form) => strings.some((s) => s.includes(form)))
        .map((form) => `${amount} as "${form}"`),
      ...(binaries.some((b) => b.includes(bytes)) ? [`${amount} as its 8 plaintext bytes`] : []),
      ...(strings.some(
        (s) => s.trim() !== '' && (Number(s) === amount || Math.round(Number(s) * 100) === amount),
      )
        ? [`${amount} as a number`]
        : []),
    ];
  });
}
