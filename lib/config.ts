import type { Node } from 'constructs';

/**
 * Deployment settings, read from CDK context (`-c key=value` or cdk.json). Required: stage,
 * senderEmail, alarmEmail. Everything else has a default. docs/deploy.md lists them.
 */
export interface ContextConfig {
  /** Lowercase letters and digits, starts with a letter (it is part of resource names). */
  stage: string;
  /** `dev` tears down cleanly; every other stage retains data and protects it from deletion. */
  isDev: boolean;
  senderEmail: string;
  /** When set, SES verifies this domain (DKIM) instead of the single sender address. */
  senderDomain?: string;
  /**
   * The web app's base URL (links in emails; default CORS origin and OAuth callback). Default:
   * the URL of the CloudFront distribution that hosts the web app (resolveAppUrl).
   */
  appUrl?: string;
  alarmEmail: string;
  /** Given, or derived from a given appUrl; otherwise the hosted app's origin (resolveAppUrl). */
  corsOrigins?: string[];
  /** OAuth redirect URLs of the public app client (web and mobile). */
  callbackUrls?: string[];
  logoutUrls?: string[];
  /** Optional custom API domain; needs a regional ACM certificate in the stack's region. */
  domainName?: string;
  certificateArn?: string;
  /** Prefix of the Cognito hosted domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  authDomainPrefix?: string;
  /**
   * The built web app (context `webDist` or env WEB_DIST, relative to the repository root;
   * default `web/dist`). A folder without index.html is replaced by a placeholder page.
   */
  webDist: string;
}

/** The settings the stacks use: the context with the app's URLs settled. */
export interface AppConfig extends ContextConfig {
  appUrl: string;
  corsOrigins: string[];
  callbackUrls: string[];
  logoutUrls: string[];
}

/** What `-c key=value` would look like for each required key, used in error messages. */
const EXAMPLES: Record<string, string> = {
  stage: 'dev',
  senderEmail: 'no-reply@example.com',
  alarmEmail: 'alarms@example.com',
};

export const DEFAULT_WEB_DIST = 'web/dist';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const STAGE = /^[a-z][a-z0-9]{0,9}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const COGNITO_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length > 0 ? items : undefined;
}

function url(key: string, value: string, { originOnly }: { originOnly: boolean }): URL {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(
      `Context "${key}" is not a URL: "${value}". Example: -c ${key}=https://app.example.com`,
    );
  }
  const local = parsed.hostname === 'localhost' || parsed.hostname === '127.0.0.1';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local)) {
    throw new ConfigError(`Context "${key}" must use https (http only for localhost): "${value}"`);
  }
  if (originOnly && value.replace(/\/$/, '') !== parsed.origin) {
    throw new ConfigError(`Context "${key}" must list origins only (scheme://host[:port]): "${value}"`);
  }
  return parsed;
}

/**
 * Reads and checks the context. Every missing required key is named in one error together with
 * an example `-c key=value`, so a first `cdk synth` tells the operator everything at once.
 */
export function readConfig(node: Node): ContextConfig {
  const missing = Object.keys(EXAMPLES).filter((key) => text(node, key) === undefined);
  if (missing.length > 0) {
    const flags = missing.map((key) => `-c ${key}=${EXAMPLES[key]}`).join(' ');
    throw new ConfigError(
      `Missing required CDK context: ${missing.join(', ')}. Pass ${missing.length > 1 ? 'them' : 'it'} on the command line, for example: npx cdk synth ${flags} (see docs/deploy.md).`,
    );
  }
  const stage = text(node, 'stage')!;
  const senderEmail = text(node, 'senderEmail')!;
  const appUrlRaw = text(node, 'appUrl');
  const alarmEmail = text(node, 'alarmEmail')!;

  if (!STAGE.test(stage)) {
    throw new ConfigError(
      `Context "stage" must be 1-10 lowercase letters or digits starting with a letter (it is part of resource names): "${stage}". Example: -c stage=prod`,
    );
  }
  for (const [key, value] of [
    ['senderEmail', senderEmail],
    ['alarmEmail', alarmEmail],
  ] as const) {
    if (!EMAIL.test(value)) {
      throw new ConfigError(
        `Context "${key}" is not an email address: "${value}". Example: -c ${key}=${EXAMPLES[key]}`,
      );
    }
  }
  const appUrl =
    appUrlRaw === undefined
      ? undefined
      : url('appUrl', appUrlRaw, { originOnly: false }).href.replace(/\/$/, '');

  const senderDomain = text(node, 'senderDomain')?.toLowerCase();
  if (senderDomain !== undefined) {
    if (!DOMAIN.test(senderDomain)) {
      throw new ConfigError(
        `Context "senderDomain" is not a domain name: "${senderDomain}". Example: -c senderDomain=example.com`,
      );
    }
    if (!senderEmail.toLowerCase().endsWith(`@${senderDomain}`)) {
      throw new ConfigError(
        `Context "senderEmail" (${senderEmail}) must be an address of "senderDomain" (${senderDomain}).`,
      );
    }
  }

  const corsOrigins = (
    list(text(node, 'corsOrigins')) ?? (appUrl === undefined ? undefined : [new URL(appUrl).origin])
  )?.map((origin) => url('corsOrigins', origin, { originOnly: true }).origin);
  const callbackUrls = (
    list(text(node, 'callbackUrls')) ?? (appUrl === undefined ? undefined : [appUrl])
  )?.map((value) => {
    // Mobile apps use custom schemes (com.example.app://callback); only web URLs must be https.
    if (/^https?:/i.test(value)) {
      url('callbackUrls', value, { originOnly: false });
      return value;
    }
    if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value)) {
      throw new ConfigError(`Context "callbackUrls" has an invalid URL: "${value}"`);
    }
    return value;
  });
  const logoutUrls =
    list(text(node, 'logoutUrls')) ?? (appUrl === undefined ? undefined : signOutUrls(appUrl));
  for (const value of logoutUrls ?? []) url('logoutUrls', value, { originOnly: false });

  const domainName = text(node, 'domainName')?.toLowerCase();
  const certificateArn = text(node, 'certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new ConfigError(
      'Contexts "domainName" and "certificateArn" go together: pass both (-c domainName=api.example.com -c certificateArn=arn:aws:acm:<region>:<account>:certificate/<id>) or neither.',
    );
  }
  if (domainName !== undefined && !DOMAIN.test(domainName)) {
    throw new ConfigError(`Context "domainName" is not a domain name: "${domainName}"`);
  }
  if (
    certificateArn !== undefined &&
    !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(certificateArn)
  ) {
    throw new ConfigError(`Context "certificateArn" is not an ACM certificate ARN: "${certificateArn}"`);
  }

  const authDomainPrefix = text(node, 'authDomainPrefix');
  if (
    authDomainPrefix !== undefined &&
    (!COGNITO_PREFIX.test(authDomainPrefix) || /aws|amazon|cognito/.test(authDomainPrefix))
  ) {
    throw new ConfigError(
      `Context "authDomainPrefix" must be lowercase letters, digits and hyphens, without "aws", "amazon" or "cognito": "${authDomainPrefix}"`,
    );
  }

  return {
    stage,
    isDev: stage === 'dev',
    senderEmail,
    ...(senderDomain !== undefined && { senderDomain }),
    ...(appUrl !== undefined && { appUrl }),
    alarmEmail,
    ...(corsOrigins !== undefined && { corsOrigins: [...new Set(corsOrigins)] }),
    ...(callbackUrls !== undefined && { callbackUrls }),
    ...(logoutUrls !== undefined && { logoutUrls }),
    ...(domainName !== undefined && { domainName }),
    ...(certificateArn !== undefined && { certificateArn }),
    ...(authDomainPrefix !== undefined && { authDomainPrefix }),
    webDist: text(node, 'webDist') ?? process.env.WEB_DIST?.trim() ?? DEFAULT_WEB_DIST,
  };
}

/**
 * The sign-out URLs of an app URL: with and without the trailing slash, because Cognito compares
 * `logout_uri` character by character and a browser app naturally sends its origin with `/`.
 */
function signOutUrls(appUrl: string): string[] {
  return [appUrl, `${appUrl}/`];
}

/**
 * Settles the app's URLs: a given appUrl (and the CORS origins, callback and sign-out URLs
 * derived from it) wins; otherwise the web app is the one this CDK app hosts, at `hostedUrl`
 * (`https://<distribution>.cloudfront.net`, a deploy-time value, already an origin).
 */
export function resolveAppUrl(config: ContextConfig, hostedUrl: string): AppConfig {
  const appUrl = config.appUrl ?? hostedUrl;
  return {
    ...config,
    appUrl,
    corsOrigins: config.corsOrigins ?? [hostedUrl],
    callbackUrls: config.callbackUrls ?? [appUrl],
    logoutUrls: config.logoutUrls ?? signOutUrls(appUrl),
  };
}
