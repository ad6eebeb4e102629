/**
 * The rules every text field follows (docs/rules.md, "Text"): lengths count Unicode code points;
 * no control characters but newline and tab (and those only where a field is multi-line); no
 * bidirectional overrides, embeddings or isolates; no lone surrogates or replacement characters
 * (what invalid UTF-8 decodes to); and a value made only of invisible characters (white space and
 * the default-ignorable U+200B–U+200D, U+2060, U+FEFF) is empty.
 */

/** Why a text breaks the rules, as the end of a sentence ("title must …"), or null when it is fine. */
export type TextProblem = string | null;

export interface TextRule {
  min: number;
  max: number;
  /** Newline and tab allowed (terms, messages). */
  multiline?: boolean;
}

/** C0 and C1 control characters and DEL. */
const CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_NEWLINE_TAB = /(?![\n\t])\p{Cc}/u;
/** Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;
/** A lone surrogate (not valid Unicode) or U+FFFD (what an invalid UTF-8 byte decodes to). */
/** In `u` mode a surrogate range matches lone surrogates only. */
const INVALID = /[\ud800-\udfff\ufffd]/u;
const VISIBLE = /[^\s\u200b-\u200d\u2060\ufeff]/u;

/** The length of a text in Unicode code points (a surrogate pair counts once). */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** Checks a text against a rule. The message never repeats the text. */
export function textProblem(text: string, rule: TextRule): TextProblem {
  if (INVALID.test(text)) return 'must be valid UTF-8 text';
  if ((rule.multiline ? CONTROL_EXCEPT_NEWLINE_TAB : CONTROL).test(text)) {
    return rule.multiline
      ? 'must not contain control characters other than newline and tab'
      : 'must not contain control characters';
  }
  if (BIDI_CONTROL.test(text)) return 'must not contain bidirectional override characters';
  const length = codePointLength(text);
  if (length > rule.max || length < rule.min || (rule.min > 0 && !VISIBLE.test(text))) {
    return `must be ${rule.min} to ${rule.max} characters and not only invisible ones`;
  }
  return null;
}
