import { useId } from 'react';
import type { SessionView } from '../../../api/client';
import { explainPhase, nextDeadline, phaseName } from '../../../domain/phase';
import { Countdown } from '../../../ui/Countdown';

/**
 * The phase, named in plain words ("First round") and explained. The one `status` element of
 * the page: its accessible name is the phase's name, and a change is announced.
 */
export function PhaseStatus({ view }: { view: SessionView }) {
  const nameId = useId();
  const deadline = nextDeadline(view);
  return (
    <div role="status" aria-labelledby={nameId} className={`phase phase-${view.phase}`}>
      <p className="phase-name" id={nameId}>
        {phaseName(view.phase)}
      </p>
      <p>{explainPhase(view)}</p>
      {deadline && (
        <p>
          <Countdown to={deadline.at} label={deadline.label} />
        </p>
      )}
    </div>
  );
}
