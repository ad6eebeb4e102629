import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { ConfigError, readConfig } from '../../lib/config';
import { BASE_CONTEXT } from './support/synth';

const REQUIRED = { stage: 'dev', ...BASE_CONTEXT };

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
      'Missing required CDK context: stage, senderEmail, appUrl, alarmEmail. Pass them on the command line, for example: npx cdk synth -c stage=dev -c senderEmail=no-reply@example.com -c appUrl=https://app.example.com -c alarmEmail=alarms@example.com',
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
    const context = { ...REQUIRED, ...override };

    // Act / Assess
    expect(build(context)).toThrow(message);
  });

  it('defaults CORS origins, callback and logout URLs to the app URL', () => {
    // Prepare
    const app = new App({ context: { ...REQUIRED, appUrl: 'https://app.example.com/' } });

    // Act
    const config = readConfig(app.node);

    // Assess
    expect(config).toMatchObject({
      stage: 'dev',
      isDev: true,
      appUrl: 'https://app.example.com',
      corsOrigins: ['https://app.example.com'],
      callbackUrls: ['https://app.example.com'],
      logoutUrls: ['https://app.example.com'],
    });
    expect(config.domainName).toBeUndefined();
  });

  it('treats every stage but dev as production', () => {
    // Prepare / Act
    const config = readConfig(new App({ context: { ...REQUIRED, stage: 'staging' } }).node);

    // Assess
    expect(config.isDev).toBe(false);
  });
});
