/** Formatting shared by the email templates. Dates are UTC, to the minute; nothing here sees a number. */

/** `2026-03-04 17:00 UTC`: the minute a deadline falls in (seconds are rounded down). */
export function formatTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const UNITS: [seconds: number, singular: string][] = [
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/**
 * 172800 → `48 hours`, 2419200 → `28 days`, 90 → `90 seconds`: the largest unit that divides it
 * (days from 3 days up, so the default step 2 reads as 48 hours).
 */
export function formatDuration(seconds: number): string {
  for (const [size, unit] of UNITS) {
    if (seconds % size === 0 && (size !== 86_400 || seconds / size >= 3)) {
      const n = seconds / size;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

export const ROLE_LABELS: Record<string, string> = {
  claimant: 'claimant',
  respondent: 'respondent',
  mediator: 'mediator',
};

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? role;
}

/** One line of a subject: no line breaks or control characters (header safety), at most 200 chars. */
export function subjectLine(text: string): string {
  const printable = Array.from(text, (c) => {
    const code = c.codePointAt(0)!;
    return code < 0x20 || code === 0x7f ? ' ' : c;
  }).join('');
  const flat = printable.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

/**
 * The step-3 bonus rule (docs/rules.md, "Match and deal amount"), in words. Every party is shown this rule when it joins (the
 * invitation), and again when step 2 and step 3 open.
 */
export function bonusRule(bonusPercent: number): string {
  if (bonusPercent === 0) {
    return (
      'Step-3 bonus: none in this session. A deal in step 3 is made exactly as in step 2, inside the ' +
      'range between the two numbers. Every party is shown this rule when it joins.'
    );
  }
  return (
    `Step-3 bonus: in step 3, the side whose standing number was already there when the other side's ` +
    `move created the overlap gets a ${bonusPercent}% bonus. If that side is the respondent, the final ` +
    `amount is ${bonusPercent}% below the base amount; if it is the claimant, ${bonusPercent}% above. ` +
    `So a step-3 deal may lie up to ${bonusPercent}% outside the two numbers. There is no bonus in ` +
    'step 2. Every party is shown this rule when it joins.'
  );
}

/**
 * The line of every deadline email that points to the session page, whose "Add to calendar" button
 * downloads the session's deadlines (docs/rules.md, "Deadlines in a calendar"). The page asks for
 * a sign-in and shows the session only to its members.
 */
export const CALENDAR_HINT =
  'To add the deadlines to your calendar, open the session below and choose “Add to calendar”.';
