import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { ConfigError, readConfig, resolveAppUrl } from '../../lib/config';
import { BASE_CONTEXT } from './support/synth';

// appUrl is optional since the CDK app hosts the web app: it defaults to the distribution's URL.
const { appUrl: _appUrl, ...REQUIRED_KEYS } = BASE_CONTEXT;
const REQUIRED = { stage: 'dev', ...REQUIRED_KEYS };
const WITH_APP_URL = { ...REQUIRED, appUrl: BASE_CONTEXT.appUrl };

const build = (context: Record<string, string>) => () =>
  buildApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } }), {
    account: undefined,
    region: undefined,
  });

describe('context', () => {
  it.each(Object.keys(REQUIRED))('names a missing %s and shows how to pass it', (key) => {
    // Prepare
    const context: Record<string, string> = { ...REQUIRED };
    delete context[key];

    // Act / Assess
    expect(build(context)).toThrow(ConfigError);
    expect(build(context)).toThrow(new RegExp(`Missing required CDK context: ${key}\\..*-c ${key}=\\S+`));
  });

  it('lists every missing key at once', () => {
    // Prepare / Act / Assess
    expect(build({})).toThrow(
      'Missing required CDK context: stage, senderEmail, alarmEmail. Pass them on the command line, for example: npx cdk synth -c stage=dev -c senderEmail=no-reply@example.com -c alarmEmail=alarms@example.com',
    );
  });

  it.each([
    [{ stage: 'Prod' }, /"stage" must be/],
    [{ stage: 'prod-eu' }, /"stage" must be/],
    [{ senderEmail: 'nobody' }, /"senderEmail" is not an email address/],
    [{ alarmEmail: 'a@b' }, /"alarmEmail" is not an email address/],
    [{ appUrl: 'ftp://app.example.com' }, /"appUrl" must use https/],
    [{ appUrl: 'not a url' }, /"appUrl" is not a URL/],
    [{ corsOrigins: 'https://app.example.com/path' }, /origins only/],
    [{ domainName: 'api.example.com' }, /"domainName" and "certificateArn" go together/],
    [{ certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' }, /go together/],
    [{ domainName: 'api.example.com', certificateArn: 'nope' }, /not an ACM certificate ARN/],
    [{ senderDomain: 'other.com' }, /must be an address of "senderDomain"/],
    [{ authDomainPrefix: 'my-cognito-login' }, /"authDomainPrefix"/],
  ])('rejects %o', (override, message) => {
    // Prepare
    const context = { ...WITH_APP_URL, ...override };

    // Act / Assess
    expect(build(context)).toThrow(message);
  });

  it('defaults CORS origins, callback and logout URLs to the app URL', () => {
    // Prepare
    const app = new App({ context: { ...WITH_APP_URL, appUrl: 'https://app.example.com/' } });

    // Act
    const config = readConfig(app.node);

    // Assess
    expect(config).toMatchObject({
      stage: 'dev',
      isDev: true,
      appUrl: 'https://app.example.com',
      corsOrigins: ['https://app.example.com'],
      callbackUrls: ['https://app.example.com'],
      // Cognito compares logout_uri exactly, and apps send their origin with or without the slash.
      logoutUrls: ['https://app.example.com', 'https://app.example.com/'],
    });
    expect(config.domainName).toBeUndefined();
  });

  it('leaves the app URL and what derives from it to the hosted web app when appUrl is not given', () => {
    // Prepare
    const hosted = 'https://d111111abcdef8.cloudfront.net';

    // Act
    const context = readConfig(new App({ context: REQUIRED }).node);
    const config = resolveAppUrl(context, hosted);

    // Assess
    expect(context.appUrl).toBeUndefined();
    expect(context.corsOrigins).toBeUndefined();
    expect(config).toMatchObject({
      appUrl: hosted,
      corsOrigins: [hosted],
      callbackUrls: [hosted],
      logoutUrls: [hosted, `${hosted}/`],
    });
  });

  it('keeps a given appUrl and explicit lists over the hosted URL', () => {
    // Prepare
    const app = new App({
      context: {
        ...WITH_APP_URL,
        callbackUrls: 'https://app.example.com/auth,com.example.backchannel://auth',
      },
    });

    // Act
    const config = resolveAppUrl(readConfig(app.node), 'https://d111111abcdef8.cloudfront.net');

    // Assess
    expect(config.appUrl).toBe('https://app.example.com');
    expect(config.corsOrigins).toEqual(['https://app.example.com']);
    expect(config.callbackUrls).toEqual(['https://app.example.com/auth', 'com.example.backchannel://auth']);
  });

  it('takes the web build folder from context, else WEB_DIST, else web/dist', () => {
    // Prepare
    const read = (context: Record<string, string>) =>
      readConfig(new App({ context: { ...REQUIRED, ...context } }).node);
    const saved = process.env.WEB_DIST;

    // Act
    delete process.env.WEB_DIST;
    const byDefault = read({}).webDist;
    process.env.WEB_DIST = 'build/web';
    const fromEnv = read({}).webDist;
    const fromContext = read({ webDist: 'elsewhere/dist' }).webDist;
    if (saved === undefined) delete process.env.WEB_DIST;
    else process.env.WEB_DIST = saved;

    // Assess
    expect(byDefault).toBe('web/dist');
    expect(fromEnv).toBe('build/web');
    expect(fromContext).toBe('elsewhere/dist');
  });

  it('treats every stage but dev as production', () => {
    // Prepare / Act
    const config = readConfig(new App({ context: { ...REQUIRED, stage: 'staging' } }).node);

    // Assess
    expect(config.isDev).toBe(false);
  });
});
