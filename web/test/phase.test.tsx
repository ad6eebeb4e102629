import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Phase, SessionView } from '../src/api/client';
import { explainPhase, nextDeadline, phaseName } from '../src/domain/phase';
import { PhaseStatus } from '../src/features/session/phase/PhaseStatus';
import { sessionView } from './views';

const PHASES: Phase[] = [
  'setup',
  'scheduled',
  'initial_round',
  'adjustment',
  'settled',
  'no_deal',
  'withdrawn',
];

describe('phase wording', () => {
  it('names every phase in plain words', () => {
    // Act
    const names = PHASES.map(phaseName);

    // Assess
    expect(names).toEqual([
      'Terms',
      'Scheduled',
      'First round',
      'Adjustment',
      'Settled',
      'No deal',
      'Withdrawn',
    ]);
  });

  it('explains the bonus in the adjustment step, and never promises a mediator a number', () => {
    // Act
    const side = explainPhase({ phase: 'adjustment', myRole: 'claimant', bonusPercent: 7 });
    const mediator = explainPhase({ phase: 'initial_round', myRole: 'mediator', bonusPercent: 7 });

    // Assess
    expect(side).toContain('7% bonus');
    expect(mediator).toContain('never the number');
    expect(mediator).not.toContain('replace yours');
  });

  it('counts down to the deadline of the phase', () => {
    // Prepare
    const schedule: SessionView['schedule'] = {
      startsAt: '2026-03-01T09:00:00Z',
      initialRoundEndsAt: '2026-03-03T09:00:00Z',
      endsAt: '2026-03-31T09:00:00Z',
      initialRoundSeconds: 172800,
      adjustmentSeconds: 2419200,
    };

    // Act
    const deadlines = PHASES.map((phase) => nextDeadline({ phase, schedule })?.at ?? null);

    // Assess
    expect(deadlines).toEqual([
      null,
      '2026-03-01T09:00:00Z',
      '2026-03-03T09:00:00Z',
      '2026-03-31T09:00:00Z',
      null,
      null,
      null,
    ]);
  });

  it('is the accessible name of the single status element, with its explanation inside', () => {
    // Prepare
    const view = sessionView({ phase: 'initial_round' });

    // Act
    render(<PhaseStatus view={view} />);

    // Assess
    const status = screen.getByRole('status', { name: 'First round' });
    expect(status.textContent).toContain('each side enters its number in secret');
    expect(screen.getAllByRole('status')).toHaveLength(1);
  });
});
