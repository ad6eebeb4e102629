/** Reading a body strictly: media type, UTF-8, duplicate keys, numbers by their written value. */
import { describe, expect, it } from 'vitest';
import { numberFromText, readJson } from '../../../shared/http/body';
import { HttpError } from '../../../shared/http/errors';

const JSON_TYPE = { 'content-type': 'application/json' };

function refusal(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected a refusal');
}

describe('readJson', () => {
  it.each([
    ['application/json', 'application/json'],
    ['with a charset', 'application/json; charset=utf-8'],
    ['in capitals, with a quoted charset', 'Application/JSON;charset="UTF-8"'],
  ])('reads a body sent as %s', (_, contentType) => {
    // Act
    const value = readJson({ body: '{"a":"b"}', headers: { 'content-type': contentType } });
    // Assess
    expect(value).toEqual({ a: 'b' });
  });

  it.each([
    ['no content type', undefined],
    ['a form', 'application/x-www-form-urlencoded'],
    ['plain text', 'text/plain'],
    ['JSON in another charset', 'application/json; charset=latin1'],
    ['a JSON look-alike', 'application/jsonp'],
  ])('answers 415 for %s', (_, contentType) => {
    // Act
    const error = refusal(() =>
      readJson({ body: '{"a":1}', headers: contentType ? { 'content-type': contentType } : {} }),
    );
    // Assess
    expect(error).toMatchObject({ statusCode: 415, code: 'unsupported_media_type' });
    expect(error.message).toMatch(/application\/json/);
  });

  it('reads an empty body as the value it is told, whatever the content type', () => {
    // Act & Assess
    expect(readJson({ body: '' }, { emptyIs: {} })).toEqual({});
    expect(readJson({ body: undefined }, { emptyIs: {} })).toEqual({});
    expect(refusal(() => readJson({ body: ' ', headers: JSON_TYPE }))).toMatchObject({ statusCode: 400 });
  });

  it('refuses a repeated key with 400, and says so without the value', () => {
    // Act
    const error = refusal(() => readJson({ body: '{"amount":4817263,"amount":2}', headers: JSON_TYPE }));
    // Assess
    expect(error).toMatchObject({ statusCode: 400, code: 'invalid_input' });
    expect(error.message).toBe('The body must not repeat a key.');
    expect(error.message).not.toContain('4817263');
  });

  it('refuses a repeated key in a nested object too', () => {
    // Act & Assess
    expect(
      refusal(() =>
        readJson({ body: '{"invite":{"claimant":"a@b.co","claimant":"c@d.co"}}', headers: JSON_TYPE }),
      ),
    ).toMatchObject({ statusCode: 400 });
  });

  it('refuses bytes that are not UTF-8 (a base64 body) and accepts ones that are', () => {
    // Prepare
    const invalid = Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const valid = Buffer.from('{"title":"Müller v. Øre"}');
    // Act
    const error = refusal(() =>
      readJson({ body: invalid.toString('base64'), isBase64Encoded: true, headers: JSON_TYPE }),
    );
    const value = readJson({ body: valid.toString('base64'), isBase64Encoded: true, headers: JSON_TYPE });
    // Assess
    expect(error).toMatchObject({ statusCode: 400, message: 'The body must be valid UTF-8.' });
    expect(value).toEqual({ title: 'Müller v. Øre' });
  });

  it('refuses what is not JSON with 400', () => {
    // Act & Assess
    for (const body of ['{', '{"a":1}x', "{'a':1}", '{"a":01}', 'NaN']) {
      expect(refusal(() => readJson({ body, headers: JSON_TYPE }))).toMatchObject({
        statusCode: 400,
        message: 'The body is not valid JSON.',
      });
    }
  });
});

describe('numberFromText', () => {
  it.each([
    ['1', 1],
    ['1e3', 1000],
    ['1E+3', 1000],
    ['1000.0', 1000],
    ['1.5e1', 15],
    ['0.001e3', 1],
    ['1000000000000000', 1e15],
    ['-7', -7],
    ['1.5', 1.5],
    ['2.5e-1', 0.25],
  ])('reads %s as %d', (text, value) => {
    // Act & Assess
    expect(numberFromText(text)).toBe(value);
  });

  it.each([
    ['999.99999999999999999'],
    ['1000.0000000000000001'],
    ['4817262.99999999999999999'],
    ['1.00000000000000000001e3'],
  ])('never rounds %s to an integer: its written value is not one', (text) => {
    // Act
    const value = numberFromText(text);
    // Assess
    expect(Number.isInteger(value)).toBe(false);
  });

  it('keeps an integer too large for a float far outside every accepted range', () => {
    // Act & Assess
    expect(numberFromText('100000000000000000000000')).toBeGreaterThan(1e15);
    expect(numberFromText('1e400')).toBe(Number.POSITIVE_INFINITY);
  });
});
