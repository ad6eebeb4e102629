/**
 * The phases of a negotiation in plain words, as every screen names them, and the deadline
 * each one runs to.
 */
import type { Phase, Role, SessionView } from '../api/client';

export const PHASE_NAMES: Record<Phase, string> = {
  setup: 'Terms',
  scheduled: 'Scheduled',
  initial_round: 'First round',
  adjustment: 'Adjustment',
  settled: 'Settled',
  no_deal: 'No deal',
  withdrawn: 'Withdrawn',
};

export function phaseName(phase: Phase): string {
  return PHASE_NAMES[phase];
}

export const ROLE_NAMES: Record<Role, string> = {
  claimant: 'Claimant',
  respondent: 'Respondent',
  mediator: 'Mediator',
};

/** What the phase means for the person looking at it. */
export function explainPhase(view: Pick<SessionView, 'phase' | 'myRole' | 'bonusPercent'>): string {
  const mediator = view.myRole === 'mediator';
  switch (view.phase) {
    case 'setup':
      return 'Step 1: agree on a terms text, or skip terms to go straight to the numbers. The numbers open once both sides accept the same version.';
    case 'scheduled':
      return 'The terms are settled. The first round of numbers opens at the scheduled start.';
    case 'initial_round':
      return mediator
        ? 'Step 2: each side enters its number in secret. You see whether a side has entered one, never the number.'
        : 'Step 2: each side enters its number in secret. You may replace yours until the other side enters its first number. If the numbers meet or overlap, there is a deal.';
    case 'adjustment':
      return mediator
        ? 'Step 3: no deal yet. Each side may change its number as often as it likes; every change is compared at once.'
        : `Step 3: no deal yet. Either side may change its number as often as it likes; every change is compared at once. If a change creates the overlap, the side whose number was already waiting gets a ${view.bonusPercent}% bonus.`;
    case 'settled':
      return 'A deal was reached. The amount is shown below.';
    case 'no_deal':
      return 'The adjustment period ended without a deal. No number was revealed.';
    case 'withdrawn':
      return 'A side ended the session without a deal. No number was revealed.';
  }
}

/** The next deadline of the phase, with what happens then; null when none is known. */
export function nextDeadline(
  view: Pick<SessionView, 'phase' | 'schedule'>,
): { at: string; label: string } | null {
  const { schedule } = view;
  if (view.phase === 'scheduled' && schedule.startsAt)
    return { at: schedule.startsAt, label: 'First round opens' };
  if (view.phase === 'initial_round' && schedule.initialRoundEndsAt) {
    return { at: schedule.initialRoundEndsAt, label: 'First round closes' };
  }
  if (view.phase === 'adjustment' && schedule.endsAt)
    return { at: schedule.endsAt, label: 'Adjustment ends' };
  return null;
}

export const isEnded = (phase: Phase) => phase === 'settled' || phase === 'no_deal' || phase === 'withdrawn';

/** "2 days", "48 hours", "90 minutes": a duration in seconds for people. */
export function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} ${seconds === 86_400 ? 'day' : 'days'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} ${seconds === 3600 ? 'hour' : 'hours'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}
