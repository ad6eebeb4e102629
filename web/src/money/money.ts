/**
 * Amounts for people. On the wire an amount is an integer in the currency's minor unit; a
 * person reads and types major units. Parsing never goes through a float: the text is split at
 * the decimal point and assembled with BigInt, so `100,000.50` USD is exactly `10000050n`.
 *
 * Display and input both follow one convention whatever the browser's language: `.` before the
 * decimals, `,` between thousands (en-US), so what a person reads is what they may type back.
 * The digits of each currency's minor unit come from the API (`GET /currencies`).
 */

/** The largest amount the API accepts, in minor units (10^15). */
export const MAX_MINOR = 10n ** 15n;

export type ParseResult = { ok: true; minor: bigint } | { ok: false; message: string };

const LOCALE = 'en-US';

/** `minor` as a decimal string in major units, exactly: 10000050n, 2 → "100000.50". */
export function toMajorString(minor: bigint, digits: number): string {
  const negative = minor < 0n;
  const magnitude = negative ? -minor : minor;
  const unit = 10n ** BigInt(digits);
  const whole = (magnitude / unit).toString();
  const fraction = digits === 0 ? '' : `.${(magnitude % unit).toString().padStart(digits, '0')}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

function numberFormat(currency: string, digits: number, display: 'symbol' | 'code' = 'symbol') {
  return new Intl.NumberFormat(LOCALE, {
    style: 'currency',
    currency,
    currencyDisplay: display,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/**
 * `$112,000.00` for 11200000 USD. Exact for any amount: Intl formats the decimal string, not a
 * float (a BigInt-size amount keeps every digit).
 */
export function formatMoney(minor: bigint | number, currency: string, digits: number): string {
  const value = toMajorString(BigInt(minor), digits);
  // Intl.NumberFormat formats a decimal string exactly (ECMA-402 "Intl.NumberFormat v3");
  // TypeScript's lib still types the argument as number | bigint.
  return numberFormat(currency, digits).format(value as unknown as number);
}

/** The currency's symbol as shown beside an amount: `$` for USD, `¥` for JPY, `KWD` where none. */
export function currencySymbol(currency: string): string {
  const part = numberFormat(currency, 0)
    .formatToParts(0)
    .find((p) => p.type === 'currency');
  return part?.value ?? currency;
}

/** "2 decimal places", "no decimal places", "1 decimal place". */
export function describeDigits(digits: number): string {
  if (digits === 0) return 'no decimal places';
  return `up to ${digits} decimal ${digits === 1 ? 'place' : 'places'}`;
}

/** An example of what to type, e.g. "100,000.50" (2 digits) or "100,000" (0 digits). */
export function exampleAmount(digits: number): string {
  return digits === 0 ? '100,000' : `100,000.${'50'.padEnd(digits, '0').slice(0, digits)}`;
}

/**
 * Reads an amount a person typed in major units. Accepts digits with an optional decimal point
 * and optional thousands commas (`100000.5`, `100,000.50`); refuses anything else with a
 * sentence: letters, signs, more decimals than the currency has, zero, more than 10^15 minor
 * units.
 */
export function parseAmount(input: string, currency: string, digits: number): ParseResult {
  const text = input.trim().replace(/\s+/g, '');
  const example = exampleAmount(digits);
  if (text === '') return { ok: false, message: `Enter an amount, e.g. ${example}.` };
  if (/^[-−–]/.test(text)) return { ok: false, message: 'Enter a positive amount, without a minus sign.' };
  if (!/^[0-9.,]+$/.test(text)) {
    return { ok: false, message: `Use digits only, with an optional decimal point, e.g. ${example}.` };
  }
  const [whole = '', fraction, ...rest] = text.split('.');
  if (rest.length > 0) return { ok: false, message: 'Use one decimal point at most.' };
  const grouped = /^\d{1,3}(,\d{3})+$/.test(whole);
  if (whole.includes(',') && !grouped) {
    return { ok: false, message: `Put commas only between groups of three digits, e.g. ${example}.` };
  }
  const digitsOnly = whole.replaceAll(',', '');
  if (fraction?.includes(',')) {
    return { ok: false, message: `Use digits only after the decimal point, e.g. ${example}.` };
  }
  if (fraction !== undefined && fraction.length > digits) {
    return {
      ok: false,
      message:
        digits === 0
          ? `${currency} amounts are whole numbers: no decimal places.`
          : `${currency} amounts take ${describeDigits(digits)}.`,
    };
  }
  if (digitsOnly === '' && (fraction === undefined || fraction === '')) {
    return { ok: false, message: `Enter an amount, e.g. ${example}.` };
  }
  const minor =
    BigInt(digitsOnly === '' ? '0' : digitsOnly) * 10n ** BigInt(digits) +
    BigInt((fraction ?? '').padEnd(digits, '0') || '0');
  if (minor < 1n) {
    return { ok: false, message: `The amount must be at least ${formatMoney(1n, currency, digits)}.` };
  }
  if (minor > MAX_MINOR) {
    return { ok: false, message: `The amount must be at most ${formatMoney(MAX_MINOR, currency, digits)}.` };
  }
  return { ok: true, minor };
}
