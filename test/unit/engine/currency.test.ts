import { describe, expect, it } from 'vitest';
import {
  CURRENCY_CODES,
  currencyMinorDigits,
  formatMoney,
  isCurrency,
} from '../../../shared/engine/currency';

describe('currencyMinorDigits', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['XOF', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['TND', 3],
    ['CLF', 4],
    ['UYW', 4],
    ['XCG', 2],
    ['ZWG', 2],
    ['SLE', 2],
  ])('gives %s %i digits', (code, digits) => {
    // Act
    const result = currencyMinorDigits(code);

    // Assess
    expect(result).toBe(digits);
  });

  it.each([
    ['an unknown code', 'ABC'],
    ['a lowercase code', 'usd'],
    ['a mixed-case code', 'Usd'],
    ['a code too short', 'US'],
    ['a code too long', 'USDD'],
    ['a code with spaces', ' USD'],
    ['the empty string', ''],
    ['a withdrawn code (HRK)', 'HRK'],
    ['a withdrawn code (ANG)', 'ANG'],
    ['a code without a minor unit (XAU)', 'XAU'],
    ['the test code (XTS)', 'XTS'],
    ['an object key', 'constructor'],
  ])('rejects %s', (_name, code) => {
    // Act
    const result = currencyMinorDigits(code);

    // Assess
    expect(result).toBeUndefined();
  });
});

describe('isCurrency', () => {
  it('accepts listed codes and rejects others', () => {
    // Prepare
    const codes = ['USD', 'JPY', 'CLF', 'usd', 'XXX', 'ABC', ''];

    // Act
    const accepted = codes.filter(isCurrency);

    // Assess
    expect(accepted).toEqual(['USD', 'JPY', 'CLF']);
  });
});

describe('CURRENCY_CODES', () => {
  it('lists unique three-letter uppercase codes in order, each with 0, 2, 3 or 4 digits', () => {
    // Act
    const digits = CURRENCY_CODES.map(currencyMinorDigits);

    // Assess
    expect(CURRENCY_CODES.every((code) => /^[A-Z]{3}$/.test(code))).toBe(true);
    expect([...CURRENCY_CODES].sort()).toEqual(CURRENCY_CODES);
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length);
    expect(digits.every((d) => d === 0 || d === 2 || d === 3 || d === 4)).toBe(true);
    expect(CURRENCY_CODES.length).toBeGreaterThan(150);
  });

  it('knows every code but the funds and VED that Node’s ICU knows as a currency', () => {
    // Prepare: ICU lists current and historic currencies, but not the ISO fund codes
    const icu = new Set(Intl.supportedValuesOf('currency'));
    const notInIcu = ['BOV', 'CHE', 'CHW', 'CLF', 'COU', 'MXV', 'USN', 'UYI', 'UYW', 'VED'];

    // Act
    const unknownToIcu = CURRENCY_CODES.filter((code) => !icu.has(code) && !notInIcu.includes(code));

    // Assess
    expect(unknownToIcu).toEqual([]);
  });
});

describe('formatMoney', () => {
  it.each([
    [9_500_000n, 'USD', 'USD 95,000.00'],
    [1_234n, 'JPY', 'JPY 1,234'],
    [5n, 'EUR', 'EUR 0.05'],
    [0n, 'USD', 'USD 0.00'],
    [1_500n, 'KWD', 'KWD 1.500'],
    [12_345n, 'CLF', 'CLF 1.2345'],
    [1_000_000_000_000_000n, 'USD', 'USD 10,000,000,000,000.00'],
    [999n, 'JPY', 'JPY 999'],
    [1_000n, 'JPY', 'JPY 1,000'],
    [-123_456n, 'USD', 'USD -1,234.56'],
  ])('formats %s %s as %s', (amount, currency, expected) => {
    // Act
    const text = formatMoney(amount, currency);

    // Assess
    expect(text).toBe(expected);
  });

  it('rejects an unknown currency', () => {
    // Act
    const attempt = () => formatMoney(100n, 'XYZ');

    // Assess
    expect(attempt).toThrow(RangeError);
  });
});
