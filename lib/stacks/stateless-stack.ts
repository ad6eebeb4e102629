import { Aws, type CfnElement, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { API_ROUTES, type ApiFunctionName } from '../../shared/http/routes';
import type { AppConfig } from '../config';
import { Alarms } from '../constructs/alarms';
import { AuditRules } from '../constructs/audit-rules';
import { Email } from '../constructs/email';
import { logicalIdWithoutGroups } from '../constructs/group';
import { HttpApi } from '../constructs/http-api';
import type { ServiceFunction } from '../constructs/service-function';
import { createServiceFunctions } from '../constructs/service-functions';
import { StreamConsumers } from '../constructs/stream-consumers';
import { Timers } from '../constructs/timers';
import type { EnvVar } from '../function-settings';
import type { FunctionName } from '../naming';

export interface StatelessStackProps extends StackProps {
  config: AppConfig;
  table: dynamodb.ITable;
  numberKey: kms.IKey;
  messagesKey: kms.IKey;
  userPool: cognito.IUserPool;
  userPoolClient: cognito.IUserPoolClient;
  fingerprintSecret: secretsmanager.ISecret;
  invitationSecret: secretsmanager.ISecret;
}

/**
 * Everything that can be replaced without losing data: the functions (one record each in
 * lib/function-settings.ts) and, grouped by what they do, the HTTP API, the stream consumers,
 * the timers, email, alarms and the audit rules. The groups are left out of logical IDs (see
 * lib/constructs/group.ts): the resources keep the IDs of the single-file stack.
 */
export class StatelessStack extends Stack {
  readonly functions: Record<FunctionName, ServiceFunction>;
  readonly httpApi: apigwv2.HttpApi;
  /** Base URL of the API, ending in `/`. */
  readonly apiUrl: string;
  /** The API's origin (`https://host`), as a browser sends and a CSP names it. */
  readonly apiOrigin: string;
  readonly alarmTopic: sns.Topic;
  /** Every SQS queue of the stack: each one has an alarm on its first visible message. */
  readonly queues: sqs.Queue[];

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, table, numberKey, messagesKey, userPool, userPoolClient } = props;
    const { stage } = config;

    const alarms = new Alarms(this, 'Alarms', { stage, alarmEmail: config.alarmEmail });
    const timers = new Timers(this, 'Timers', { stage, alarms });
    const email = new Email(this, 'Email', {
      stage,
      senderEmail: config.senderEmail,
      ...(config.senderDomain !== undefined && { senderDomain: config.senderDomain }),
    });

    const environment: Record<EnvVar, string> = {
      KEY_ID: numberKey.keyArn,
      FINGERPRINT_SECRET_ARN: props.fingerprintSecret.secretArn,
      INVITATION_SECRET_ARN: props.invitationSecret.secretArn,
      JWT_ISSUER: `https://cognito-idp.${Aws.REGION}.amazonaws.com/${userPool.userPoolId}`,
      JWT_AUDIENCE: userPoolClient.userPoolClientId,
      SCHEDULE_GROUP: timers.scheduleGroupName,
      SENDER_EMAIL: config.senderEmail,
      APP_URL: config.appUrl,
      SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
      SCHEDULER_ROLE_ARN: timers.schedulerRole.roleArn,
      // phase-timer is built together with the functions that create its timers.
      PHASE_TIMER_ARN: Lazy.string({ produce: () => this.functions['phase-timer'].fn.functionArn }),
      SCHEDULER_DLQ_ARN: timers.deadLetterQueue.queueArn,
      MESSAGES_KEY_ID: messagesKey.keyArn,
    };
    this.functions = createServiceFunctions(this, {
      stage,
      isDev: config.isDev,
      table,
      numberKey,
      messagesKey,
      secrets: { fingerprint: props.fingerprintSecret, invitation: props.invitationSecret },
      environment,
    });
    const functions = Object.values(this.functions);

    timers.connect(this.functions['phase-timer'], functions);
    email.allowSending(functions);
    const streams = new StreamConsumers(this, 'StreamConsumers', { table, alarms, functions });
    const api = new HttpApi(this, 'HttpApi', {
      stage,
      isDev: config.isDev,
      userPool,
      userPoolClient,
      corsOrigins: config.corsOrigins,
      functions: Object.fromEntries(
        API_ROUTES.map((route) => [route.fn, this.functions[route.fn]]),
      ) as Record<ApiFunctionName, ServiceFunction>,
      ...(config.domainName !== undefined && { domainName: config.domainName }),
      ...(config.certificateArn !== undefined && { certificateArn: config.certificateArn }),
    });
    this.httpApi = api.httpApi;
    this.apiUrl = api.url;
    this.apiOrigin = api.origin;

    alarms.watchFunctions(functions);
    alarms.watchStreamConsumers(streams.consumers);
    alarms.watchApi(this.httpApi);
    new AuditRules(this, 'AuditRules', {
      stage,
      topic: alarms.topic,
      keys: [numberKey, messagesKey],
      userPool,
    });

    this.alarmTopic = alarms.topic;
    this.queues = alarms.queues;
  }

  protected override allocateLogicalId(element: CfnElement): string {
    return logicalIdWithoutGroups(element);
  }
}
