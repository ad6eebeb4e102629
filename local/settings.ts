/**
 * The settings of `npm start`, from the environment (the README's "Settings for npm start"):
 *
 * | variable | default | what |
 * |---|---|---|
 * | PORT | 3000 | the API's port |
 * | HOST | 127.0.0.1 | the address the API, the web app and the mail viewer listen on |
 * | WEB_PORT | PORT + 1 | the web app's port |
 * | MAIL_PORT | a free port | the mail viewer's (and local SES endpoint's) port |
 * | APP_URL | the web app's URL | where every link in an email points |
 * | BACKCHANNEL_DATA_DIR | .local/ | where state is kept |
 * | WEB_DIST_DIR | web/dist | the built web app |
 * | DEV_WEB_PORT | 5173 | Vite's dev server (`npm run dev:web`): its origin may call the API too |
 * | VERBOSE | off | `1`: the stream poller's and handlers' chatter |
 *
 * SENDER_EMAIL, LOG_LEVEL and AWS_REGION are passed to the handlers as they are
 * (local/environment.ts).
 */
import { isWildcard } from './environment';
import type { LocalRuntimeOptions } from './runtime';

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

function port(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > 65535) {
    throw new SettingsError(`${name} must be a port number (1–65535), got ${JSON.stringify(value)}`);
  }
  return number;
}

export interface StartSettings extends LocalRuntimeOptions {
  port: number;
  host: string;
  /** How the data folder is named in the startup line. */
  dataDirLabel: string;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): StartSettings {
  const apiPort = port(env, 'PORT') ?? 3000;
  const webPort = port(env, 'WEB_PORT') ?? apiPort + 1;
  if (webPort > 65535)
    throw new SettingsError(`WEB_PORT defaults to PORT + 1, which is not a port: set WEB_PORT`);
  const mailPort = port(env, 'MAIL_PORT');
  const devWebPort = port(env, 'DEV_WEB_PORT');
  const host = env.HOST?.trim() || '127.0.0.1';
  if (/[\s/]/.test(host))
    throw new SettingsError(`HOST must be an address or a host name, got ${JSON.stringify(host)}`);
  const ports = [apiPort, webPort, ...(mailPort ? [mailPort] : [])];
  if (new Set(ports).size !== ports.length) {
    throw new SettingsError(`PORT, WEB_PORT and MAIL_PORT must differ, got ${ports.join(', ')}`);
  }
  let appUrl: string | undefined;
  if (env.APP_URL) {
    let parsed: URL;
    try {
      parsed = new URL(env.APP_URL);
    } catch {
      throw new SettingsError(`APP_URL must be a URL such as http://127.0.0.1:${webPort}`);
    }
    if (!/^https?:$/.test(parsed.protocol))
      throw new SettingsError('APP_URL must start with http:// or https://');
    appUrl = env.APP_URL.replace(/\/+$/, '');
  }
  if (isWildcard(host) && !appUrl) {
    console.warn(
      `HOST=${host}: the links in emails point to 127.0.0.1; set APP_URL to the address other machines use.`,
    );
  }
  return {
    port: apiPort,
    host,
    webPort,
    ...(mailPort ? { mailPort } : {}),
    ...(devWebPort ? { devWebPort } : {}),
    ...(appUrl ? { appUrl } : {}),
    ...(env.BACKCHANNEL_DATA_DIR ? { dataDir: env.BACKCHANNEL_DATA_DIR } : {}),
    ...(env.WEB_DIST_DIR ? { webDistDir: env.WEB_DIST_DIR } : {}),
    verbose: env.VERBOSE === '1' || env.VERBOSE === 'true',
    dataDirLabel: env.BACKCHANNEL_DATA_DIR ?? '.local/',
  };
}
