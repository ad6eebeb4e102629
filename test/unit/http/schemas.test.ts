import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../shared/http/errors';
import {
  acceptInvitationBody,
  acceptTermsBody,
  createSessionBody,
  inviteBody,
  numberBody,
  parseBody,
  peekField,
  termsBody,
  withdrawBody,
} from '../../../shared/http/schemas';

/** The 400 a parse throws (fails the test if it does not throw one). */
function failure(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ statusCode: 400, code: 'invalid_input' });
    return error as HttpError;
  }
  throw new Error('expected a 400');
}

const SECRET = '7391846250193';

describe('numberBody', () => {
  it.each([
    ['1', 1],
    ['1e3', 1000],
    ['1000.0', 1000],
    ['1000000000000000', 1e15],
  ])('accepts %s as %d', (raw, amount) => {
    // Act & Assess
    expect(parseBody(numberBody, `{"amount": ${raw}}`)).toEqual({ amount });
  });

  it.each([
    ['a fraction', `{"amount": ${SECRET}.5}`],
    ['zero', '{"amount": 0}'],
    ['a negative amount', `{"amount": -${SECRET}}`],
    ['10^15 + 1', '{"amount": 1000000000000001}'],
    ['a string', `{"amount": "${SECRET}"}`],
    ['a formatted string', '{"amount": "7,391,846,250,193"}'],
    ['an array', `{"amount": [${SECRET}]}`],
    ['null', '{"amount": null}'],
    ['no amount', '{}'],
    ['an unknown field beside it', `{"amount": 5, "note": "${SECRET}"}`],
    ['a second amount under another name', `{"amount": 5, "${SECRET}": 1}`],
    ['broken JSON', `{"amount": ${SECRET}`],
    ['no body', undefined],
  ])('refuses %s, and the message never repeats the value', (_, raw) => {
    // Act
    const error = failure(() => parseBody(numberBody, raw));

    // Assess
    expect(error.message).not.toMatch(/7391846250193|7,391|1000000000000001/);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('names the field and the rule instead', () => {
    // Act
    const error = failure(() => parseBody(numberBody, '{"amount": 0.5}'));

    // Assess
    expect(error.message).toMatch(/amount/);
  });
});

describe('createSessionBody', () => {
  const valid = { title: 'Acme v. Widget', currency: 'USD', myRole: 'claimant', invite: {} };

  it('normalises addresses and trims the title', () => {
    // Act
    const body = parseBody(
      createSessionBody,
      JSON.stringify({ ...valid, title: '  Acme  ', invite: { respondent: ' Bob@Example.COM ' } }),
    );

    // Assess
    expect(body.title).toBe('Acme');
    expect(body.invite.respondent).toBe('bob@example.com');
  });

  it.each([
    ['a secret title too long', { ...valid, title: `${SECRET}${'x'.repeat(200)}` }],
    ['an unknown currency', { ...valid, currency: 'ZZ9' }],
    ['an unknown field named like a value', { ...valid, [SECRET]: true }],
    ['an invalid address', { ...valid, invite: { respondent: `${SECRET}@` } }],
    ['a bonus over 20', { ...valid, bonusPercent: 21 }],
    ['an adjustment too long', { ...valid, adjustmentSeconds: 365 * 24 * 3600 + 1 }],
    ['an initial round too short', { ...valid, initialRoundSeconds: 59 }],
    ['an invalid start', { ...valid, startsAt: `${SECRET}` }],
    ['an unknown role', { ...valid, myRole: SECRET }],
  ])('refuses %s without repeating it', (_, body) => {
    // Act
    const error = failure(() => parseBody(createSessionBody, JSON.stringify(body)));

    // Assess
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('ZZ9');
  });

  it('names unknown fields (field names are the caller’s own, not values)', () => {
    // Act
    const error = failure(() => parseBody(createSessionBody, JSON.stringify({ ...valid, colour: 'blue' })));

    // Assess
    expect(error.message).toContain('colour');
    expect(error.message).not.toContain('blue');
  });
});

describe('the other bodies', () => {
  it('accept what SPEC §3 allows', () => {
    // Act & Assess
    expect(parseBody(inviteBody, '{"email":"A@B.co","role":"mediator"}')).toEqual({
      email: 'a@b.co',
      role: 'mediator',
    });
    expect(parseBody(acceptInvitationBody, '{"token":"abc"}')).toEqual({ token: 'abc' });
    expect(parseBody(termsBody, JSON.stringify({ text: 'x'.repeat(20_000) })).text).toHaveLength(20_000);
    expect(parseBody(acceptTermsBody, '{"version":0}')).toEqual({ version: 0 });
    expect(parseBody(withdrawBody, '{}')).toEqual({});
  });

  it.each([
    ['invite', () => parseBody(inviteBody, `{"email":"${SECRET}","role":"claimant"}`)],
    ['accept', () => parseBody(acceptInvitationBody, `{"token":"${'t'.repeat(201)}${SECRET}"}`)],
    ['terms', () => parseBody(termsBody, JSON.stringify({ text: `${SECRET}${'x'.repeat(20_000)}` }))],
    ['terms accept', () => parseBody(acceptTermsBody, `{"version":"${SECRET}"}`)],
    ['withdraw', () => parseBody(withdrawBody, `{"reason":"${SECRET}"}`)],
  ])('%s refuses invalid input without repeating it', (_, run) => {
    // Act
    const error = failure(run);

    // Assess
    expect(error.message).not.toContain(SECRET);
  });
});

describe('peekField', () => {
  it('reads one string field of a body without validating the rest', () => {
    // Act & Assess
    expect(peekField('{"role":"respondent","email":42}', 'role')).toBe('respondent');
    expect(peekField('{"role":7}', 'role')).toBeUndefined();
    expect(peekField('not json', 'role')).toBeUndefined();
    expect(peekField(undefined, 'role')).toBeUndefined();
    expect(peekField('null', 'role')).toBeUndefined();
  });
});
