import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorSentence, toApiError } from '../src/api/errors';
import { ErrorMessage } from '../src/ui/ErrorMessage';

describe('errors for people', () => {
  it("shows the API's sentence, or a friendlier one for codes where the next step matters", () => {
    // Act
    const sentences = [
      toApiError(400, { error: { code: 'invalid_input', message: 'Invalid body: title: out of range.' } }),
      toApiError(410, { error: { code: 'invitation_invalid', message: 'The invitation is not valid.' } }),
      toApiError(401, { message: 'Unauthorized' }),
      toApiError(429, { message: 'Too Many Requests' }),
      toApiError(502, undefined),
      toApiError(500, '<html>Bad gateway</html>'),
    ].map(errorSentence);

    // Assess
    expect(sentences).toEqual([
      'Invalid body: title: out of range.',
      'This invitation link is no longer valid: it was used, revoked, or has expired. Ask for a new invitation.',
      'Your sign-in is no longer valid. Please sign in again.',
      'Too many requests at once. Wait a moment and try again.',
      'The request failed (HTTP 502). Please try again.',
      'The request failed (HTTP 500). Please try again.',
    ]);
  });

  it('renders an alert with a sentence, never the raw body', () => {
    // Prepare
    const error = toApiError(409, {
      error: { code: 'round_not_open', message: 'Numbers are not open yet.' },
    });

    // Act
    render(<ErrorMessage error={error} prefix="Your number was not submitted." />);

    // Assess
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe('Your number was not submitted. Numbers are not open yet.');
    expect(alert.textContent).not.toMatch(/[{}"]/);
  });

  it('says the service could not be reached when the network fails', () => {
    // Act / Assess
    expect(errorSentence(new TypeError('Failed to fetch'))).toBe(
      'The service could not be reached. Check your connection and try again.',
    );
  });
});
