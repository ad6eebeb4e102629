import { describe, expect, it } from 'vitest';
import type { HttpError } from '../../../shared/http/errors';
import { messagesQuery } from '../../../shared/http/room-routes';
import { messageBody, parseBody } from '../../../shared/http/schemas';

const ID = '01J0000000000000000000000A';

/** The 400 a parse throws (fails the test if it does not throw one). */
function failure(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    expect(error).toMatchObject({ statusCode: 400, code: 'invalid_input' });
    return error as HttpError;
  }
  throw new Error('expected a 400');
}

describe('the messages query', () => {
  it('defaults to 50 messages from the oldest, and takes after or before with a limit of 1–100', () => {
    // Act + Assess
    expect(messagesQuery({})).toEqual({ limit: 50 });
    expect(messagesQuery({ after: ID, limit: '1' })).toEqual({ after: ID, limit: 1 });
    expect(messagesQuery({ before: '7ZZZZZZZZZZZZZZZZZZZZZZZZZ', limit: '100' })).toEqual({
      before: '7ZZZZZZZZZZZZZZZZZZZZZZZZZ',
      limit: 100,
    });
  });

  it.each<[string, Record<string, string>, string]>([
    ['limit 0', { limit: '0' }, 'limit must be a whole number from 1 to 100'],
    ['limit 101', { limit: '101' }, 'limit must be a whole number from 1 to 100'],
    ['limit 1.5', { limit: '1.5' }, 'limit must be a whole number from 1 to 100'],
    ['limit 050', { limit: '050' }, 'limit must be a whole number from 1 to 100'],
    ['limit twice', { limit: '5,6' }, 'limit must be a whole number from 1 to 100'],
    ['an empty limit', { limit: '' }, 'limit must be a whole number from 1 to 100'],
    ['after in lower case', { after: ID.toLowerCase() }, 'after must be a message id'],
    ['after of 27 characters', { after: `${ID}0` }, 'after must be a message id'],
    ['after beyond the largest id', { after: '8ZZZZZZZZZZZZZZZZZZZZZZZZZ' }, 'after must be a message id'],
    ['before with a U', { before: 'U1J0000000000000000000000A' }, 'before must be a message id'],
    ['both', { after: ID, before: ID }, 'after and before cannot be used together'],
    [
      'an unknown parameter',
      { page: '2' },
      'the query has an unknown parameter (only after, before and limit)',
    ],
  ])('refuses %s with the rule, never the value', (_what, query, rule) => {
    // Act
    const error = failure(() => messagesQuery(query));

    // Assess
    expect(error.message).toContain(rule);
    for (const value of Object.values(query).filter((v) => v.length > 3))
      expect(error.message).not.toContain(value);
  });
});

describe('the message body', () => {
  it('keeps the text exactly as sent, lines and surrounding spaces included', () => {
    // Act
    const body = parseBody(messageBody, {
      body: JSON.stringify({ text: '  a\n\tb  ' }),
      headers: { 'content-type': 'application/json' },
    });

    // Assess
    expect(body).toEqual({ text: '  a\n\tb  ' });
  });

  it.each([
    ['empty', ''],
    ['10,001 characters', 'm'.repeat(10_001)],
    ['a carriage return', 'a\rb'],
    ['a NUL', 'a\u0000b'],
    ['a bidirectional override', 'pay \u202e001'],
    ['only invisible characters', ' \n\t\u200b'],
  ])('refuses %s', (_what, text) => {
    // Act + Assess
    failure(() =>
      parseBody(messageBody, {
        body: JSON.stringify({ text }),
        headers: { 'content-type': 'application/json' },
      }),
    );
  });
});
