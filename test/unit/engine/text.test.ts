/** The text rules every text field follows: code points, control characters, bidi, invisibles. */
import { describe, expect, it } from 'vitest';
import { codePointLength, textProblem } from '../../../shared/engine/text';

const TITLE = { min: 1, max: 5 };
const TERMS = { min: 1, max: 5, multiline: true };

describe('codePointLength', () => {
  it('counts a character outside the BMP once, and a combining mark on its own', () => {
    // Act & Assess
    expect(codePointLength('a😀b')).toBe(3);
    expect('a😀b'.length).toBe(4);
    expect(codePointLength('e\u0301')).toBe(2);
    expect(codePointLength('')).toBe(0);
  });
});

describe('textProblem', () => {
  it('accepts ordinary text, and newline and tab only where a field is multi-line', () => {
    // Act & Assess
    expect(textProblem('Acme', TITLE)).toBeNull();
    expect(textProblem('😀😀😀😀😀', TITLE)).toBeNull();
    expect(textProblem('a\nb\tc', TERMS)).toBeNull();
    expect(textProblem('a\nb', TITLE)).toBe('must not contain control characters');
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['an escape', 'a\u001bb'],
    ['a carriage return', 'a\rb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
  ])('refuses %s, even in a multi-line field', (_, text) => {
    // Act & Assess
    expect(textProblem(text, TERMS)).toBe('must not contain control characters other than newline and tab');
  });

  it.each([
    ['a right-to-left override', 'ab\u202ec'],
    ['a left-to-right embedding', 'ab\u202ac'],
    ['a first-strong isolate', 'ab\u2068c'],
    ['a pop directional isolate', 'ab\u2069c'],
  ])('refuses %s', (_, text) => {
    // Act & Assess
    expect(textProblem(text, TITLE)).toBe('must not contain bidirectional override characters');
  });

  it.each([
    ['spaces', '   '],
    ['a zero-width space', '\u200b'],
    ['joiners and a word joiner', '\u200c\u200d\u2060'],
    ['a byte order mark and a no-break space', '\ufeff\u00a0'],
    ['nothing', ''],
  ])('refuses a value made only of %s', (_, text) => {
    // Act & Assess
    expect(textProblem(text, TITLE)).toBe('must be 1 to 5 characters and not only invisible ones');
  });

  it('counts the limit in code points', () => {
    // Act & Assess
    expect(textProblem('😀😀😀😀😀😀', TITLE)).toBe('must be 1 to 5 characters and not only invisible ones');
    expect(textProblem('abcde', TITLE)).toBeNull();
  });

  it('refuses a lone surrogate and the replacement character (what invalid UTF-8 becomes)', () => {
    // Act & Assess
    expect(textProblem('a\ud800b', TITLE)).toBe('must be valid UTF-8 text');
    expect(textProblem('a\ufffdb', TITLE)).toBe('must be valid UTF-8 text');
  });

  it('lets a field with no minimum be empty', () => {
    // Act & Assess
    expect(textProblem('', { min: 0, max: 5 })).toBeNull();
  });
});
