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

/** A JSON request body as API Gateway hands it over. */
const json = (raw: string | undefined) => ({ body: raw, headers: { 'content-type': 'application/json' } });
const parse = <S extends Parameters<typeof parseBody>[0]>(schema: S, raw: string | undefined) =>
  parseBody(schema, json(raw));
const peek = (raw: string | undefined, field: string) => peekField(json(raw), field);

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
    expect(parse(numberBody, `{"amount": ${raw}}`)).toEqual({ amount });
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
    const error = failure(() => parse(numberBody, raw));

    // Assess
    expect(error.message).not.toMatch(/7391846250193|7,391|1000000000000001/);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('names the field and the rule instead', () => {
    // Act
    const error = failure(() => parse(numberBody, '{"amount": 0.5}'));

    // Assess
    expect(error.message).toMatch(/amount/);
  });
});

describe('createSessionBody', () => {
  const valid = { title: 'Acme v. Widget', currency: 'USD', myRole: 'claimant', invite: {} };

  it('normalises addresses and trims the title', () => {
    // Act
    const body = parse(
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
    const error = failure(() => parse(createSessionBody, JSON.stringify(body)));

    // Assess
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('ZZ9');
  });

  it('names unknown fields (field names are the caller’s own, not values)', () => {
    // Act
    const error = failure(() => parse(createSessionBody, JSON.stringify({ ...valid, colour: 'blue' })));

    // Assess
    expect(error.message).toContain('colour');
    expect(error.message).not.toContain('blue');
  });
});

describe('the other bodies', () => {
  it('accept what openapi.yaml allows', () => {
    // Act & Assess
    expect(parse(inviteBody, '{"email":"A@B.co","role":"mediator"}')).toEqual({
      email: 'a@b.co',
      role: 'mediator',
    });
    expect(parse(acceptInvitationBody, '{"token":"abc"}')).toEqual({ token: 'abc' });
    expect(parse(termsBody, JSON.stringify({ text: 'x'.repeat(20_000) })).text).toHaveLength(20_000);
    expect(parse(acceptTermsBody, '{"version":0}')).toEqual({ version: 0 });
    expect(parse(withdrawBody, '{}')).toEqual({});
  });

  it.each([
    ['invite', () => parse(inviteBody, `{"email":"${SECRET}","role":"claimant"}`)],
    ['accept', () => parse(acceptInvitationBody, `{"token":"${'t'.repeat(201)}${SECRET}"}`)],
    ['terms', () => parse(termsBody, JSON.stringify({ text: `${SECRET}${'x'.repeat(20_000)}` }))],
    ['terms accept', () => parse(acceptTermsBody, `{"version":"${SECRET}"}`)],
    ['withdraw', () => parse(withdrawBody, `{"reason":"${SECRET}"}`)],
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
    expect(peek('{"role":"respondent","email":42}', 'role')).toBe('respondent');
    expect(peek('{"role":7}', 'role')).toBeUndefined();
    expect(peek('not json', 'role')).toBeUndefined();
    expect(peek(undefined, 'role')).toBeUndefined();
    expect(peek('null', 'role')).toBeUndefined();
  });
});

describe('messages that state the rule', () => {
  const valid = { title: 'Acme v. Widget', currency: 'USD', myRole: 'claimant', invite: {} };

  it.each([
    [
      'an amount out of range',
      () => parse(numberBody, '{"amount": 0}'),
      'amount must be a whole number from 1 to 1000000000000000 (minor units).',
    ],
    [
      'an amount whose written value is not an integer',
      () => parse(numberBody, '{"amount": 999.99999999999999999}'),
      'amount must be a whole number from 1 to 1000000000000000 (minor units).',
    ],
    [
      'an unknown currency',
      () => parse(createSessionBody, JSON.stringify({ ...valid, currency: 'ZZZ' })),
      'currency must be an ISO 4217 code such as USD.',
    ],
    [
      'a title of 201 code points',
      () => parse(createSessionBody, JSON.stringify({ ...valid, title: '😀'.repeat(201) })),
      'title must be 1 to 200 characters and not only invisible ones.',
    ],
    [
      'a title of zero-width spaces',
      () => parse(createSessionBody, JSON.stringify({ ...valid, title: '\u200b\u200b' })),
      'title must be 1 to 200 characters and not only invisible ones.',
    ],
    [
      'a case number with a bidi override',
      () => parse(createSessionBody, JSON.stringify({ ...valid, caseNumber: 'CV-\u202e-1' })),
      'caseNumber must not contain bidirectional override characters.',
    ],
    [
      'terms with a control character',
      () => parse(termsBody, JSON.stringify({ text: 'Clause\u0007 1' })),
      'text must not contain control characters other than newline and tab.',
    ],
    ['a missing field', () => parse(termsBody, '{}'), 'text is required.'],
    ['a body that is not an object', () => parse(termsBody, '[]'), 'the body must be a JSON object.'],
    [
      'an unknown field whose name is a number',
      () => parse(numberBody, '{"amount": 5, "4817263": 1}'),
      'the body has an unknown field.',
    ],
    [
      'a bad address',
      () => parse(inviteBody, '{"email":"nobody","role":"claimant"}'),
      'email must be an email address of at most 254 characters.',
    ],
  ])('%s', (_, run, message) => {
    // Act
    const error = failure(run);
    // Assess
    expect(error.message).toBe(message);
  });

  it('counts 200 emoji as a title of 200 characters', () => {
    // Act & Assess
    expect(
      parse(createSessionBody, JSON.stringify({ ...valid, title: '😀'.repeat(200) })).title,
    ).toHaveLength(400);
  });
});
