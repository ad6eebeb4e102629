import { describe, expect, it } from 'vitest';
import { currencySymbol, formatMoney, MAX_MINOR, parseAmount, toMajorString } from '../src/money/money';

const refused = (input: string, currency = 'USD', digits = 2) => {
  const result = parseAmount(input, currency, digits);
  return result.ok ? null : result.message;
};

describe('parseAmount', () => {
  it('reads major units into exact minor units without floats', () => {
    // Act
    const results = [
      parseAmount('100,000.50', 'USD', 2),
      parseAmount('100000.5', 'USD', 2),
      parseAmount('0.01', 'USD', 2),
      parseAmount(' 1,234 ', 'JPY', 0),
      parseAmount('1.234', 'KWD', 3),
      parseAmount('9,999,999,999,999.99', 'USD', 2),
      parseAmount('0.1', 'USD', 2),
      parseAmount('1.0001', 'CLF', 4),
    ];

    // Assess
    expect(results).toEqual([
      { ok: true, minor: 10000050n },
      { ok: true, minor: 10000050n },
      { ok: true, minor: 1n },
      { ok: true, minor: 1234n },
      { ok: true, minor: 1234n },
      { ok: true, minor: 999999999999999n },
      { ok: true, minor: 10n },
      { ok: true, minor: 10001n },
    ]);
  });

  it('keeps every digit where a float would not: 10^15 minor units exactly', () => {
    // Prepare: 0.1 + 0.2 style drift would show up here as ...998 or ...002.
    const input = '10,000,000,000,000.00';

    // Act
    const result = parseAmount(input, 'USD', 2);

    // Assess
    expect(result).toEqual({ ok: true, minor: MAX_MINOR });
  });

  it('refuses letters, signs, too many decimals, zero and too large, each with a sentence', () => {
    // Act
    const messages = {
      letters: refused('12a00'),
      words: refused('one hundred'),
      negative: refused('-100'),
      plus: refused('+100'),
      tooManyDecimals: refused('100.001'),
      jpyDecimals: refused('1.234', 'JPY', 0),
      zero: refused('0'),
      zeroCents: refused('0.00'),
      tooLarge: refused('10,000,000,000,000.01'),
      farTooLarge: refused('99999999999999999999999'),
      empty: refused('   '),
      twoPoints: refused('1.2.3'),
      badGrouping: refused('1,00,000'),
      exponent: refused('1e3'),
    };

    // Assess
    for (const [what, message] of Object.entries(messages)) {
      expect(message, what).toMatch(/^[A-Z].*\.$/);
    }
    expect(messages.tooManyDecimals).toBe('USD amounts take up to 2 decimal places.');
    expect(messages.jpyDecimals).toBe('JPY amounts are whole numbers: no decimal places.');
    expect(messages.negative).toBe('Enter a positive amount, without a minus sign.');
    expect(messages.zero).toBe('The amount must be at least $0.01.');
    expect(messages.tooLarge).toBe('The amount must be at most $10,000,000,000,000.00.');
  });
});

describe('formatMoney', () => {
  it('formats minor units with the currency symbol and its own digits', () => {
    // Act
    const shown = [
      formatMoney(11200000, 'USD', 2),
      formatMoney(1234n, 'JPY', 0),
      formatMoney(1500n, 'KWD', 3),
      formatMoney(10001n, 'CLF', 4),
      formatMoney(5n, 'EUR', 2),
    ];

    // Assess
    expect(shown).toEqual(['$112,000.00', '¥1,234', 'KWD\u00a01.500', 'CLF\u00a01.0001', '€0.05']);
  });

  it('is exact for amounts beyond 2^53 (BigInt), where a float would round', () => {
    // Prepare: 2^53 + 1 minor units cannot be held by a double.
    const minor = 2n ** 53n + 1n;

    // Act
    const shown = formatMoney(minor, 'USD', 2);

    // Assess
    expect(toMajorString(minor, 2)).toBe('90071992547409.93');
    expect(shown).toBe('$90,071,992,547,409.93');
  });

  it('gives the symbol shown beside the number input', () => {
    // Act / Assess
    expect([currencySymbol('USD'), currencySymbol('EUR'), currencySymbol('JPY')]).toEqual(['$', '€', '¥']);
  });
});
