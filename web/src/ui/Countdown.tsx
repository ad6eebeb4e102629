import { formatInstant, formatRemaining, useServerNow } from '../time/countdown';

/** "in 2 days 3 h (Tue, 3 Mar 2026, 09:00)", ticking every second on the server's clock. */
export function Countdown({ to, label }: { to: string; label: string }) {
  const now = useServerNow();
  const remaining = Date.parse(to) - now;
  return (
    <span className="countdown">
      {label}{' '}
      <time dateTime={to} title={formatInstant(to)}>
        {remaining > 0 ? `in ${formatRemaining(remaining)}` : 'now'}
      </time>{' '}
      <span className="muted">({formatInstant(to)})</span>
    </span>
  );
}
