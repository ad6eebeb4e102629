/** From the new-session form's fields to the API's request body: optional fields left out when empty. */
import type { Role } from '../../api/client';
import type { CreateSessionRequest } from './useCreateSession';

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
};

/** A `datetime-local` value (the person's time zone) as ISO 8601 UTC to the second. */
export function localToIso(value: string): string {
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function toCreateRequest(form: FormData): CreateSessionRequest {
  const myRole = text(form, 'myRole') as Role;
  const invite: CreateSessionRequest['invite'] = {};
  for (const role of ['claimant', 'respondent', 'mediator'] as const) {
    const email = text(form, `invite-${role}`);
    if (email && role !== myRole) invite[role] = email;
  }
  const body: CreateSessionRequest = {
    title: text(form, 'title'),
    currency: text(form, 'currency') as CreateSessionRequest['currency'],
    myRole,
    invite,
  };
  const caseNumber = text(form, 'caseNumber');
  if (caseNumber) body.caseNumber = caseNumber;
  const startsAt = text(form, 'startsAt');
  if (startsAt) body.startsAt = localToIso(startsAt);
  const hours = text(form, 'initialRoundHours');
  if (hours) body.initialRoundSeconds = Math.round(Number(hours) * 3600);
  const days = text(form, 'adjustmentDays');
  if (days) body.adjustmentSeconds = Math.round(Number(days) * 86_400);
  const bonus = text(form, 'bonusPercent');
  if (bonus) body.bonusPercent = Number(bonus);
  return body;
}
