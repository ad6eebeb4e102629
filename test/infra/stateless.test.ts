import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../lib/naming';
import { STREAM_FILTERS } from '../../shared/table/definition';
import {
  flatten,
  type Json,
  OPTIONAL_CONTEXT,
  refId,
  resource,
  resources,
  SYNTH_TIMEOUT_MS,
  type Synthesized,
  synth,
} from './support/synth';

// The functions the app deploys: the one list in lib/naming.ts.
const FUNCTIONS = FUNCTION_NAMES;

let dev: Synthesized;
let t: Template;
let variant: Template;

beforeAll(() => {
  dev = synth('dev');
  t = dev.templates.stateless;
  variant = synth('prod', OPTIONAL_CONTEXT).templates.stateless;
}, SYNTH_TIMEOUT_MS);

function functionId(template: Template, name: string): string {
  const found = resources(template, 'AWS::Lambda::Function').find(
    ([, fn]) => fn.Properties.FunctionName === `Backchannel-dev-${name}`,
  );
  if (!found) throw new Error(`no function ${name}`);
  return found[0];
}

const alarms = (template: Template) =>
  resources(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
const topicId = (template: Template) => resources(template, 'AWS::SNS::Topic')[0]![0];

describe('functions', () => {
  it.each(FUNCTIONS)('%s runs Node.js 22 on ARM64 with JSON logs into a log group with retention', (name) => {
    // Prepare
    const fn = resource(t, functionId(t, name)).Properties;

    // Act
    const logGroup = resource(t, refId(fn.LoggingConfig.LogGroup)!);

    // Assess
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('index.handler');
    expect(fn.LoggingConfig.LogFormat).toBe('JSON');
    expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
    expect(fn.MemorySize).toBeGreaterThanOrEqual(512);
    expect(fn.Timeout).toBeLessThanOrEqual(name === 'reconciler' ? 240 : 60);
  });

  it('sets the environment contract of each function', () => {
    // Prepare
    const env = (name: string) =>
      Object.keys(resource(t, functionId(t, name)).Properties.Environment.Variables).sort();
    const base = ['LOG_LEVEL', 'NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'STAGE', 'TABLE_NAME'];
    const jwt = ['JWT_AUDIENCE', 'JWT_ISSUER'];
    const scheduling = [
      'APP_URL',
      'PHASE_TIMER_ARN',
      'SCHEDULER_DLQ_ARN',
      'SCHEDULER_ROLE_ARN',
      'SCHEDULE_GROUP',
      'SENDER_EMAIL',
      'SES_CONFIGURATION_SET',
    ];

    // Act
    const contract = Object.fromEntries(FUNCTIONS.map((name) => [name, env(name)]));

    // Assess
    expect(contract).toEqual({
      api: [...base, 'FINGERPRINT_SECRET_ARN', 'INVITATION_SECRET_ARN', 'KEY_ID', ...jwt].sort(),
      'submit-number': [...base, 'FINGERPRINT_SECRET_ARN', 'KEY_ID', ...jwt].sort(),
      'own-number': [...base, 'KEY_ID', ...jwt].sort(),
      match: [...base, 'KEY_ID'].sort(),
      notify: [...base, 'INVITATION_SECRET_ARN', ...scheduling].sort(),
      'phase-timer': [...base, 'SCHEDULE_GROUP'].sort(),
      reconciler: [...base, ...scheduling].sort(),
      rooms: [...base, 'MESSAGES_KEY_ID', ...jwt].sort(),
      calendar: [...base, ...jwt].sort(),
    });
  });

  it('points each secret variable at its own secret', () => {
    // Prepare
    const vars = (name: string) => resource(t, functionId(t, name)).Properties.Environment.Variables;

    // Act
    const wiring = Object.fromEntries(
      ['api', 'submit-number', 'notify'].map((name) => [
        name,
        {
          fingerprint: vars(name).FINGERPRINT_SECRET_ARN && flatten(vars(name).FINGERPRINT_SECRET_ARN),
          invitation: vars(name).INVITATION_SECRET_ARN && flatten(vars(name).INVITATION_SECRET_ARN),
        },
      ]),
    );

    // Assess
    expect(wiring.api?.fingerprint).toMatch(/ExportsOutputRefFingerprintSecret/);
    expect(wiring.api?.invitation).toMatch(/ExportsOutputRefInvitationSecret/);
    expect(wiring['submit-number']?.fingerprint).toMatch(/ExportsOutputRefFingerprintSecret/);
    expect(wiring['submit-number']?.invitation).toBeUndefined();
    expect(wiring.notify?.fingerprint).toBeUndefined();
    expect(wiring.notify?.invitation).toMatch(/ExportsOutputRefInvitationSecret/);
  });

  it('points the scheduling variables at the phase-timer, the Scheduler role and its DLQ', () => {
    // Prepare
    const vars = resource(t, functionId(t, 'notify')).Properties.Environment.Variables;

    // Act / Assess
    expect(refId(vars.PHASE_TIMER_ARN)).toBe(functionId(t, 'phase-timer'));
    expect(refId(vars.SCHEDULER_ROLE_ARN)).toBe('SchedulerRole59E73443');
    expect(refId(vars.SCHEDULER_DLQ_ARN)).toBe('SchedulerDeadLetterQueueFA1FB96A');
    expect(vars.SCHEDULE_GROUP).toBe('backchannel-dev');
    expect(vars.SENDER_EMAIL).toBe('no-reply@example.com');
    expect(vars.APP_URL).toBe('https://app.example.com');
  });

  it('sends failed asynchronous invocations of phase-timer and reconciler to a queue', () => {
    // Prepare
    const configs = resources(t, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);

    // Act
    const targets = configs.map((c) => refId(c.FunctionName));

    // Assess
    expect(new Set(targets)).toEqual(new Set([functionId(t, 'phase-timer'), functionId(t, 'reconciler')]));
    for (const config of configs) {
      expect(refId(config.DestinationConfig.OnFailure.Destination)).toBe('AsyncInvokeFailureQueueB2F2663C');
      expect(config.MaximumRetryAttempts).toBe(2);
    }
  });
});

describe('stream consumers', () => {
  it.each([
    ['match', STREAM_FILTERS.match],
    ['notify', STREAM_FILTERS.notify],
  ] as const)('%s filters with the shared patterns and fails safely', (name, filters) => {
    // Prepare
    const mapping = resources(t, 'AWS::Lambda::EventSourceMapping').find(
      ([, m]) => refId(m.Properties.FunctionName) === functionId(t, name),
    )![1].Properties;

    // Act
    const destination = resource(t, refId(mapping.DestinationConfig.OnFailure.Destination)!);

    // Assess
    expect(mapping.FilterCriteria.Filters).toEqual(
      filters.map((pattern) => ({ Pattern: JSON.stringify(pattern) })),
    );
    expect(mapping.StartingPosition).toBe('TRIM_HORIZON');
    expect(mapping.BatchSize).toBeLessThanOrEqual(10);
    expect(mapping.BisectBatchOnFunctionError).toBe(true);
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(mapping.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(mapping.MaximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
    expect(mapping.MaximumRecordAgeInSeconds).toBeLessThan(24 * 3600);
    expect(destination.Type).toBe('AWS::SQS::Queue');
    expect(flatten(mapping.EventSourceArn)).toContain('StreamArn');
  });
});

describe('schedules and email', () => {
  it('has the stage schedule group', () => {
    // Prepare / Act / Assess
    t.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'backchannel-dev' });
  });

  it('runs the reconciler every 5 minutes', () => {
    // Prepare
    const rule = resources(t, 'AWS::Events::Rule').find(([, r]) => r.Properties.ScheduleExpression)![1]
      .Properties;

    // Act / Assess
    expect(rule.ScheduleExpression).toBe('rate(5 minutes)');
    expect(rule.Targets.map((target: Json) => refId(target.Arn))).toEqual([functionId(t, 'reconciler')]);
  });

  it('verifies the sender and suppresses bounces and complaints', () => {
    // Prepare / Act / Assess
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'no-reply@example.com' });
    t.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'backchannel-dev',
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('verifies the domain when senderDomain is given', () => {
    // Prepare / Act / Assess
    variant.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.com' });
    expect(Object.keys(variant.toJSON().Outputs)).toEqual(
      expect.arrayContaining(['DkimRecord1', 'DkimRecord2', 'DkimRecord3']),
    );
  });
});

describe('HTTP API', () => {
  it('routes every route of the route table, the number and room routes to their own functions, all behind the JWT authorizer', () => {
    // Prepare
    const routes = resources(t, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const target = (routeKey: string) => {
      const route = routes.find((r) => r.RouteKey === routeKey);
      const integrationId = flatten(route.Target).replace('integrations/', '').replace(/[{}]/g, '');
      return refId(resource(t, integrationId).Properties.IntegrationUri);
    };

    // Act
    const keys = routes.map((r) => r.RouteKey).sort();

    // Assess
    expect(keys).toEqual(
      [
        '$default',
        'DELETE /sessions/{id}/invitations/{email}',
        'GET /sessions',
        'GET /sessions/{id}',
        'GET /sessions/{id}/number',
        'GET /sessions/{id}/calendar.ics',
        'POST /invitations/accept',
        'POST /invitations/preview',
        'GET /currencies',
        'POST /sessions',
        'POST /sessions/{id}/invitations',
        'POST /sessions/{id}/terms/accept',
        'POST /sessions/{id}/withdraw',
        'POST /sessions/{id}/again',
        'GET /me',
        'PUT /me',
        'PUT /sessions/{id}/number',
        'PUT /sessions/{id}/terms',
        'POST /sessions/{id}/proposals',
        'POST /sessions/{id}/proposals/current/consent',
        'POST /sessions/{id}/proposals/current/answer',
        'GET /sessions/{id}/rooms',
        'GET /sessions/{id}/rooms/{room}/messages',
        'POST /sessions/{id}/rooms/{room}/messages',
        'POST /sessions/{id}/rooms/joint/consent',
      ].sort(),
    );
    for (const route of routes) expect(route.AuthorizationType).toBe('JWT');
    expect(target('PUT /sessions/{id}/number')).toBe(functionId(t, 'submit-number'));
    expect(target('GET /sessions/{id}/number')).toBe(functionId(t, 'own-number'));
    // An answer is sealed where kms:Encrypt is; asking and consenting touch nothing sealed.
    expect(target('POST /sessions/{id}/proposals/current/answer')).toBe(functionId(t, 'submit-number'));
    expect(target('POST /sessions/{id}/proposals')).toBe(functionId(t, 'api'));
    expect(target('POST /sessions/{id}/proposals/current/consent')).toBe(functionId(t, 'api'));
    const rooms = keys.filter((k) => k.includes('/rooms'));
    expect(rooms).toHaveLength(4);
    for (const key of rooms) expect(target(key)).toBe(functionId(t, 'rooms'));
    expect(target('GET /sessions/{id}/calendar.ics')).toBe(functionId(t, 'calendar'));
    for (const key of keys.filter(
      (k) =>
        !k.endsWith('/number') &&
        !k.includes('/rooms') &&
        !k.endsWith('/current/answer') &&
        !k.endsWith('/calendar.ics'),
    ))
      expect(target(key)).toBe(functionId(t, 'api'));
  });

  it('accepts ID tokens of the app client from the user pool', () => {
    // Prepare
    const [[, authorizer]] = resources(t, 'AWS::ApiGatewayV2::Authorizer') as [[string, Json]];

    // Act
    const { Audience, Issuer } = authorizer.Properties.JwtConfiguration;

    // Assess
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(flatten(Audience)).toMatch(/UserPoolAppClient/);
    expect(flatten(Issuer)).toMatch(
      /^https:\/\/cognito-idp\.\{AWS::Region\}\.amazonaws\.com\/\{import:.*UserPool/,
    );
  });

  it('throttles each route no lower than 50 requests a second', () => {
    // Prepare
    const [[, stage]] = resources(t, 'AWS::ApiGatewayV2::Stage') as [[string, Json]];

    // Act
    const settings = [
      stage.Properties.DefaultRouteSettings,
      ...Object.values(stage.Properties.RouteSettings ?? {}),
    ];

    // Assess
    for (const s of settings as Json[]) {
      expect(s.ThrottlingRateLimit).toBeGreaterThanOrEqual(50);
      expect(s.ThrottlingBurstLimit).toBeGreaterThanOrEqual(s.ThrottlingRateLimit);
    }
    expect(stage.Properties.DefaultRouteSettings.DetailedMetricsEnabled).toBe(false);
  });

  it('writes access logs without any request or response size', () => {
    // Prepare
    const [[, stage]] = resources(t, 'AWS::ApiGatewayV2::Stage') as [[string, Json]];

    // Act
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format) as Record<string, string>;
    const variables = Object.values(format);

    // Assess
    expect(resource(t, refId(stage.Properties.AccessLogSettings.DestinationArn)!).Type).toBe(
      'AWS::Logs::LogGroup',
    );
    expect(variables).toEqual(
      expect.arrayContaining(['$context.requestId', '$context.status', '$context.routeKey']),
    );
    for (const variable of variables) {
      expect(variable).not.toMatch(/length|size|bytes|body|dataprocessed/i);
    }
  });

  it('allows the app origin by default and the context origins when given', () => {
    // Prepare / Act
    const origins = (template: Template) =>
      resources(template, 'AWS::ApiGatewayV2::Api')[0]![1].Properties.CorsConfiguration.AllowOrigins;

    // Assess
    expect(origins(t)).toEqual(['https://app.example.com']);
    expect(origins(variant)).toEqual(['https://app.example.com', 'https://admin.example.com']);
    // The web app reads the calendar's file name (openapi.yaml, GET /sessions/{id}/calendar.ics).
    const cors = resources(t, 'AWS::ApiGatewayV2::Api')[0]![1].Properties.CorsConfiguration;
    expect(cors.ExposeHeaders).toEqual(['content-disposition']);
  });

  it('maps a custom domain only when domainName and certificateArn are given', () => {
    // Prepare
    const { certificateArn } = OPTIONAL_CONTEXT;

    // Act
    const domains = resources(variant, 'AWS::ApiGatewayV2::DomainName');

    // Assess
    expect(resources(t, 'AWS::ApiGatewayV2::DomainName')).toEqual([]);
    expect(domains).toHaveLength(1);
    expect(domains[0]![1].Properties.DomainName).toBe('api.example.com');
    expect(domains[0]![1].Properties.DomainNameConfigurations[0].CertificateArn).toBe(certificateArn);
    expect(resources(variant, 'AWS::ApiGatewayV2::ApiMapping')).toHaveLength(1);
    expect(variant.toJSON().Outputs.ApiUrl.Value).toBe('https://api.example.com/');
    expect(Object.keys(variant.toJSON().Outputs)).toContain('ApiDomainTarget');
  });

  it('publishes the API URL', () => {
    // Prepare / Act / Assess
    expect(Object.keys(t.toJSON().Outputs)).toContain('ApiUrl');
  });
});

describe('alarms', () => {
  it('alarms on the first visible message of every queue', () => {
    // Prepare
    const queues = resources(t, 'AWS::SQS::Queue').map(([id]) => id);

    // Act
    const alarmed = alarms(t)
      .filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && a.Namespace === 'AWS/SQS')
      .filter((a) => a.Threshold === 1 && a.ComparisonOperator === 'GreaterThanOrEqualToThreshold')
      .map((a) => refId(a.Dimensions[0].Value));

    // Assess
    expect(queues.length).toBeGreaterThanOrEqual(4);
    expect(new Set(alarmed)).toEqual(new Set(queues));
  });

  it('alarms on errors and throttles of every function', () => {
    // Prepare
    const fns = resources(t, 'AWS::Lambda::Function').map(([id]) => id);
    const alarmedOn = (metric: string) =>
      new Set(
        alarms(t)
          .filter((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === metric && a.Threshold === 1)
          .map((a) => refId(a.Dimensions[0].Value)),
      );

    // Act / Assess
    expect(alarmedOn('Errors')).toEqual(new Set(fns));
    expect(alarmedOn('Throttles')).toEqual(new Set(fns));
  });

  it('alarms on API 5xx responses', () => {
    // Prepare / Act
    const api5xx = alarms(t).filter((a) => a.Namespace === 'AWS/ApiGateway' && a.MetricName === '5xx');

    // Assess
    expect(api5xx).toHaveLength(1);
    expect(refId(api5xx[0].Dimensions[0].Value)).toBe(resources(t, 'AWS::ApiGatewayV2::Api')[0]![0]);
    expect(api5xx[0].Threshold).toBe(1);
  });

  it('sends every alarm to the topic the alarm email subscribes to', () => {
    // Prepare
    const topic = topicId(t);

    // Act / Assess
    for (const alarm of alarms(t)) expect(alarm.AlarmActions.map(refId)).toEqual([topic]);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'alarms@example.com' });
  });
});

describe('audit rules (docs/rules.md)', () => {
  const rule = (template: Template, source: string) =>
    resources(template, 'AWS::Events::Rule').find(
      ([, r]) => r.Properties.EventPattern?.source?.[0] === source,
    )?.[1].Properties;

  it('alarms on key policy, grant, deletion and disabling of the number and messages keys', () => {
    // Prepare / Act
    const kms = rule(t, 'aws.kms');

    // Assess
    expect(kms.EventPattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    expect(kms.EventPattern.detail.eventName).toEqual(
      expect.arrayContaining(['PutKeyPolicy', 'CreateGrant', 'ScheduleKeyDeletion', 'DisableKey']),
    );
    expect(flatten(kms.EventPattern.detail.$or)).toContain('NumberKey');
    expect(flatten(kms.EventPattern.detail.$or)).toContain('MessagesKey');
    expect(kms.Targets.map((target: Json) => refId(target.Arn))).toEqual([topicId(t)]);
  });

  it('alarms on admin actions on the user pool', () => {
    // Prepare / Act
    const cognito = rule(t, 'aws.cognito-idp');

    // Assess
    expect(cognito.EventPattern.detail.eventName).toContainEqual({ prefix: 'Admin' });
    expect(flatten(cognito.EventPattern.detail.requestParameters.userPoolId)).toMatch(/UserPool/);
    expect(cognito.Targets.map((target: Json) => refId(target.Arn))).toEqual([topicId(t)]);
  });

  it('alarms on code and configuration changes of the functions', () => {
    // Prepare / Act
    const lambda = rule(t, 'aws.lambda');

    // Assess
    expect(lambda.EventPattern.detail.eventName).toContainEqual({ prefix: 'UpdateFunctionCode' });
    expect(lambda.EventPattern.detail.requestParameters.functionName).toContainEqual({
      prefix: 'Backchannel-dev-',
    });
  });

  it('alarms on changes to any role of the stage, from us-east-1 where IAM events arrive', () => {
    // Prepare
    const iam = rule(dev.templates.iamAudit, 'aws.iam');
    const roleNames = resources(t, 'AWS::IAM::Role').map(([, r]) => flatten(r.Properties.RoleName));

    // Act
    const prefix = iam.EventPattern.detail.requestParameters.roleName[0].prefix as string;

    // Assess
    expect(dev.iamAudit.region).toBe('us-east-1');
    expect(iam.EventPattern.detail.eventName).toEqual(
      expect.arrayContaining([
        'PutRolePolicy',
        'AttachRolePolicy',
        'DetachRolePolicy',
        'DeleteRolePolicy',
        'UpdateAssumeRolePolicy',
      ]),
    );
    expect(prefix).toBe('Backchannel-dev-');
    for (const name of roleNames) expect(name.startsWith(prefix)).toBe(true);
    dev.templates.iamAudit.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'alarms@example.com',
    });
  });
});
