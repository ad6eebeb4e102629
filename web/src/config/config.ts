/**
 * The app's runtime configuration, `/config.json`, served next to the app by whoever hosts it:
 * the local runtime (`{"apiUrl", "signIn": "local"}`) or the CDK app (`signIn: "cognito"` with
 * the user pool's details). Read once at boot; a malformed file stops the app with a sentence.
 */
export type AppConfig =
  | { apiUrl: string; signIn: 'local' }
  | {
      apiUrl: string;
      signIn: 'cognito';
      userPoolId: string;
      userPoolClientId: string;
      region: string;
      authDomain: string;
      redirectUri: string;
    };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const COGNITO_FIELDS = ['userPoolId', 'userPoolClientId', 'region', 'authDomain', 'redirectUri'] as const;

/** Checks a parsed `/config.json`; throws a ConfigError naming what is wrong. */
export function parseConfig(value: unknown): AppConfig {
  if (typeof value !== 'object' || value === null) throw new ConfigError('config.json is not an object.');
  const raw = value as Record<string, unknown>;
  if (typeof raw.apiUrl !== 'string' || !/^https?:\/\//.test(raw.apiUrl)) {
    throw new ConfigError('config.json needs "apiUrl", an http(s) URL.');
  }
  const apiUrl = raw.apiUrl.replace(/\/+$/, '');
  if (raw.signIn === 'local') return { apiUrl, signIn: 'local' };
  if (raw.signIn === 'cognito') {
    const missing = COGNITO_FIELDS.filter((field) => typeof raw[field] !== 'string' || raw[field] === '');
    if (missing.length > 0)
      throw new ConfigError(`config.json lacks ${missing.join(', ')} for Cognito sign-in.`);
    return {
      apiUrl,
      signIn: 'cognito',
      userPoolId: raw.userPoolId as string,
      userPoolClientId: raw.userPoolClientId as string,
      region: raw.region as string,
      authDomain: raw.authDomain as string,
      redirectUri: raw.redirectUri as string,
    };
  }
  throw new ConfigError('config.json needs "signIn": "local" or "cognito".');
}

/** Fetches `/config.json` from the app's own origin (not the API: a plain fetch is right here). */
export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new ConfigError(`config.json could not be loaded (HTTP ${response.status}).`);
  return parseConfig(await response.json());
}
