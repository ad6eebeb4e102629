import { errorSentence } from '../api/errors';

/** An error as a sentence (never a raw body), announced to screen readers. */
export function ErrorMessage({ error, prefix }: { error: unknown; prefix?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {prefix ? `${prefix} ` : ''}
      {errorSentence(error)}
    </p>
  );
}
