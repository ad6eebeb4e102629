/**
 * The environment the handlers get locally: the same variables as on AWS (see
 * shared/runtime/dependencies.ts), pointing at the local services and the key files kept in the
 * data folder, plus the folder layout itself.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const TABLE_NAME = 'backchannel-local';

/** Where the runtime keeps its state (the data folder, `.local/` by default). */
export interface DataDirs {
  /** DynamoDB Local's -dbPath (with its stream) and its pid file. */
  db: string;
  /** The sealer, messages, fingerprint, invitation and token signing keys. */
  keys: string;
  /** Stream checkpoints, the business clock's offset, the mail journal. */
  state: string;
}

export function dataDirs(dataDir: string): DataDirs {
  const dirs = { db: join(dataDir, 'db'), keys: join(dataDir, 'keys'), state: join(dataDir, 'state') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dirs;
}

export interface HandlerEnvironmentInput {
  dirs: DataDirs;
  dynamoEndpoint: string;
  sesEndpoint: string;
  /** The web app's URL: every link in an email starts with it. */
  appUrl: string;
  verbose: boolean;
}

/** The variables the handlers read (SENDER_EMAIL, LOG_LEVEL and AWS_REGION may be set outside). */
export function handlerEnvironment(input: HandlerEnvironmentInput): Record<string, string> {
  const { dirs } = input;
  return {
    TABLE_NAME,
    DYNAMODB_ENDPOINT: input.dynamoEndpoint,
    SES_ENDPOINT: input.sesEndpoint,
    LOCAL_SEALER_KEY_FILE: join(dirs.keys, 'sealer.key'),
    LOCAL_MESSAGES_KEY_FILE: join(dirs.keys, 'messages.key'),
    FINGERPRINT_KEY_FILE: join(dirs.keys, 'fingerprint.key'),
    INVITATION_KEY_FILE: join(dirs.keys, 'invitation.key'),
    SENDER_EMAIL: process.env.SENDER_EMAIL ?? 'no-reply@backchannel.local',
    APP_URL: input.appUrl,
    TIMER_MODE: 'local',
    STAGE: 'local',
    LOG_LEVEL: process.env.LOG_LEVEL ?? (input.verbose ? 'INFO' : 'WARN'),
    POWERTOOLS_DEV: 'false',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  };
}

/** Sets them on process.env, before the handlers' modules are imported (they read it once). */
export function applyHandlerEnvironment(input: HandlerEnvironmentInput): void {
  Object.assign(process.env, handlerEnvironment(input));
}

/** `127.0.0.1` → `127.0.0.1`, `::1` → `[::1]`: the host part of a URL. */
export const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** Listening on every interface: `0.0.0.0` or `::`. */
export const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '[::]';

/** The host a browser on this machine uses for a server listening on `host`. */
export const publicHost = (host: string) => (isWildcard(host) ? '127.0.0.1' : host);
