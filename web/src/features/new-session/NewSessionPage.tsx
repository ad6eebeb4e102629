import { type FormEvent, useId, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { Role } from '../../api/client';
import { ROLE_NAMES } from '../../domain/phase';
import { useCurrencies } from '../../money/useCurrencies';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { usePageTitle } from '../../ui/usePageTitle';
import { toCreateRequest } from './session-form';
import { useCreateSession } from './useCreateSession';

const ROLES: Role[] = ['claimant', 'respondent', 'mediator'];

function Field(props: { label: string; name: string; type?: string; hint?: string; [key: string]: unknown }) {
  const { label, name, type = 'text', hint, ...rest } = props;
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type={type} aria-describedby={hint ? `${id}-hint` : undefined} {...rest} />
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}

export function NewSessionPage() {
  usePageTitle('New session');
  const navigate = useNavigate();
  const currencies = useCurrencies();
  const create = useCreateSession();
  const [myRole, setMyRole] = useState<Role>('claimant');
  const currencyId = useId();
  const roleId = useId();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(toCreateRequest(new FormData(event.currentTarget)), {
      onSuccess: (view) => navigate(`/sessions/${view.id}`),
    });
  };

  return (
    <section className="narrow">
      <h1>New session</h1>
      <form onSubmit={onSubmit}>
        <Field label="Title" name="title" required maxLength={200} hint="For example: Acme v. Widget." />
        <Field label="Case number" name="caseNumber" maxLength={100} hint="Optional." />
        <div className="field">
          <label htmlFor={currencyId}>Currency</label>
          <select
            id={currencyId}
            name="currency"
            required
            defaultValue="USD"
            key={currencies.data?.length ?? 0}
          >
            {(currencies.data ?? []).map((c) => (
              <option key={c.code} value={c.code}>
                {c.code}
              </option>
            ))}
          </select>
          <ErrorMessage
            error={currencies.error}
            prefix="The list of currencies could not be loaded, so a session cannot be created right now."
          />
        </div>
        <div className="field">
          <label htmlFor={roleId}>My role</label>
          <select
            id={roleId}
            name="myRole"
            value={myRole}
            onChange={(e) => setMyRole(e.target.value as Role)}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_NAMES[role]}
              </option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend>Invitations</legend>
          <p className="hint">
            Each address receives an email with a link to join. You can invite more people later.
          </p>
          {ROLES.map((role) => (
            <Field
              key={role}
              label={`Invite ${role}`}
              name={`invite-${role}`}
              type="email"
              autoComplete="off"
              disabled={role === myRole}
              hint={role === myRole ? 'That is your own role.' : 'Optional.'}
            />
          ))}
        </fieldset>
        <details>
          <summary>Schedule and bonus (optional)</summary>
          <Field
            label="Numbers open no earlier than"
            name="startsAt"
            type="datetime-local"
            hint="Leave empty to open the numbers as soon as the terms are settled. Your time zone."
          />
          <Field
            label="First round length (hours)"
            name="initialRoundHours"
            type="number"
            min={1 / 60}
            max={720}
            step="any"
            placeholder="48"
            hint="Default 48 hours."
          />
          <Field
            label="Adjustment length (days)"
            name="adjustmentDays"
            type="number"
            min={1 / 1440}
            max={365}
            step="any"
            placeholder="28"
            hint="Default 28 days."
          />
          <Field
            label="Bonus (%)"
            name="bonusPercent"
            type="number"
            min={0}
            max={20}
            step={1}
            placeholder="5"
            hint="0 to 20, default 5. In the adjustment step, the side whose number was already waiting when the other side's change creates the overlap gets this bonus."
          />
        </details>
        <div className="actions">
          <button type="submit" disabled={create.isPending || !currencies.data}>
            Create session
          </button>
          <Link to="/">Cancel</Link>
        </div>
        <ErrorMessage error={create.error} prefix="The session was not created." />
      </form>
    </section>
  );
}
