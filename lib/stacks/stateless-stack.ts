import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Token } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { API_ROUTES, type ApiFunctionName } from '../../shared/http/routes';
import { STREAM_FILTERS, TABLE } from '../../shared/table/definition';
import type { AppConfig } from '../config';
import { ServiceFunction } from '../constructs/service-function';
import { acknowledge } from '../nag';
import {
  FINGERPRINT_KEY_READERS,
  type FunctionName,
  INVITATION_KEY_READERS,
  prefix,
  roleName,
  scheduleGroupName,
  sesConfigurationSetName,
} from '../naming';

export interface StatelessStackProps extends StackProps {
  config: AppConfig;
  table: dynamodb.ITable;
  numberKey: kms.IKey;
  userPool: cognito.IUserPool;
  userPoolClient: cognito.IUserPoolClient;
  fingerprintSecret: secretsmanager.ISecret;
  invitationSecret: secretsmanager.ISecret;
}

type IndexName = keyof typeof TABLE.indexes;

/**
 * The table actions each function needs, and the indexes it queries. Nothing has Scan,
 * BatchWriteItem (no conditions) or any table-management action. DeleteItem only where a
 * session can end (open invitations die with it) or an idempotency key is released.
 */
export const TABLE_ACCESS: Record<FunctionName, { actions: string[]; indexes: IndexName[] }> = {
  api: {
    actions: [
      'GetItem',
      'BatchGetItem',
      'Query',
      'PutItem',
      'UpdateItem',
      'DeleteItem',
      'ConditionCheckItem',
    ],
    indexes: ['byUser', 'byInviteToken'],
  },
  // DeleteItem: an idempotency key is released after a 5xx (shared/http/idempotency.ts).
  'submit-number': {
    actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
    indexes: [],
  },
  'own-number': { actions: ['GetItem', 'Query'], indexes: [] },
  match: {
    actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
    indexes: [],
  },
  notify: { actions: ['GetItem', 'BatchGetItem', 'Query', 'UpdateItem'], indexes: [] },
  'phase-timer': {
    actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
    indexes: [],
  },
  reconciler: {
    actions: [
      'GetItem',
      'BatchGetItem',
      'Query',
      'PutItem',
      'UpdateItem',
      'DeleteItem',
      'ConditionCheckItem',
    ],
    indexes: ['byWork'],
  },
};

/**
 * Stage-wide limits per route (HTTP APIs cannot throttle per caller). SPEC §3: never below 50
 * requests a second per user, so the shared ceiling sits an order of magnitude above that; it
 * is a backstop against floods and runaway clients, not a per-user quota.
 */
export const THROTTLE = { rateLimit: 500, burstLimit: 1000 };

/**
 * The access log: who called which route, when, with what result and latency. Deliberately no
 * $context.responseLength, $context.integration.responseLength or any other size (SPEC §2.4: the
 * size of a number request or response would narrow down the number), and no request body.
 */
export const ACCESS_LOG_FIELDS: Record<string, string> = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  userSub: '$context.authorizer.claims.sub',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
  authorizerError: '$context.authorizer.error',
  errorMessage: '$context.error.message',
};

/** KMS calls must carry exactly the encryption context of SPEC §5: {sessionId, side, seq}. */
const SEAL_CONTEXT_CONDITIONS = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['sessionId', 'side', 'seq'] },
  Null: { 'kms:EncryptionContextKeys': 'false' },
  StringEquals: { 'kms:EncryptionContext:side': ['claimant', 'respondent'] },
  StringLike: { 'kms:EncryptionContext:sessionId': '?*', 'kms:EncryptionContext:seq': '?*' },
};

/**
 * Everything that can be replaced without losing data: the HTTP API and the functions, stream
 * mappings, schedules, email, queues, alarms and the audit rules.
 */
export class StatelessStack extends Stack {
  readonly functions: Record<FunctionName, ServiceFunction>;
  readonly httpApi: apigwv2.HttpApi;
  readonly alarmTopic: sns.Topic;
  /** Every SQS queue of the stack: each one has an alarm on its first visible message. */
  readonly queues: sqs.Queue[] = [];

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, table, numberKey, userPool, userPoolClient, fingerprintSecret, invitationSecret } = props;
    const { stage } = config;

    // --- Alarms go to one topic; the alarm email address confirms the subscription once.
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Backchannel ${stage} alarms`,
      enforceSSL: true,
    });
    this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    const alarmAction = new cloudwatchActions.SnsAction(this.alarmTopic);
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string, threshold = 1) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(alarmAction);
      return created;
    };

    // --- Failure queues. They only ever hold metadata (stream batch coordinates, schedule and
    // async-invocation envelopes), never a sealed number. Any message is an alarm.
    const failureQueue = (queueId: string, description: string) => {
      const queue = new sqs.Queue(this, queueId, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      acknowledge(
        queue,
        'AwsSolutions-SQS3',
        `This queue is itself the failure destination (${description}); nothing consumes it automatically, so a DLQ behind it would never receive anything. It is alarmed at one visible message.`,
      );
      this.queues.push(queue);
      alarm(
        `${queueId}MessagesAlarm`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        `${description}: at least one message is waiting. Inspect it, fix the cause, then redrive or delete.`,
      );
      return queue;
    };
    const matchFailures = failureQueue('MatchFailureQueue', 'stream records match gave up on');
    const notifyFailures = failureQueue('NotifyFailureQueue', 'stream records notify gave up on');
    const schedulerDlq = failureQueue('SchedulerDeadLetterQueue', 'phase timers Scheduler could not deliver');
    const asyncFailures = failureQueue(
      'AsyncInvokeFailureQueue',
      'phase-timer and reconciler invocations that failed every retry',
    );

    // --- Schedules: one group; a role Scheduler assumes that can only invoke phase-timer.
    const scheduleGroup = new scheduler.CfnScheduleGroup(this, 'ScheduleGroup', {
      name: scheduleGroupName(stage),
    });
    const scheduleArns = this.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${scheduleGroupName(stage)}/*`,
    });

    // --- Email.
    const configurationSet = new ses.ConfigurationSet(this, 'EmailConfigurationSet', {
      configurationSetName: sesConfigurationSetName(stage),
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    const senderIdentity = new ses.EmailIdentity(this, 'SenderIdentity', {
      identity: config.senderDomain
        ? ses.Identity.domain(config.senderDomain)
        : ses.Identity.email(config.senderEmail),
      configurationSet,
    });

    // --- Functions. Memory buys CPU on Lambda: the HTTP functions get 1024 MB so cold starts
    // and KMS/DynamoDB round trips stay short (a caller must not be able to time anything), the
    // background functions 512 MB. Timeouts: HTTP functions answer well inside API Gateway's
    // 30 s (a withdrawal may wait a couple of seconds for match); stream consumers get room for a
    // batch; the reconciler stays below its 5-minute period.
    const tableName = table.tableName;
    const common = { stage, isDev: config.isDev };
    const jwtEnv = {
      JWT_ISSUER: `https://cognito-idp.${Aws.REGION}.amazonaws.com/${userPool.userPoolId}`,
      JWT_AUDIENCE: userPoolClient.userPoolClientId,
    };
    const make = (
      fnId: string,
      name: FunctionName,
      description: string,
      memorySize: number,
      timeout: Duration,
      environment: Record<string, string>,
    ) =>
      new ServiceFunction(this, fnId, {
        ...common,
        name,
        description,
        memorySize,
        timeout,
        environment: { TABLE_NAME: tableName, ...environment },
      });

    const api = make('Api', 'api', 'HTTP routes except the two number routes', 1024, Duration.seconds(10), {
      FINGERPRINT_SECRET_ARN: fingerprintSecret.secretArn,
      INVITATION_SECRET_ARN: invitationSecret.secretArn,
      ...jwtEnv,
    });
    const submitNumber = make(
      'SubmitNumber',
      'submit-number',
      'PUT /sessions/{id}/number: seals and records a number',
      1024,
      Duration.seconds(10),
      { KEY_ID: numberKey.keyArn, FINGERPRINT_SECRET_ARN: fingerprintSecret.secretArn, ...jwtEnv },
    );
    const ownNumber = make(
      'OwnNumber',
      'own-number',
      "GET /sessions/{id}/number: the caller's own side's number",
      1024,
      Duration.seconds(10),
      { KEY_ID: numberKey.keyArn, ...jwtEnv },
    );
    const match = make(
      'Match',
      'match',
      'Stream: evaluates numbers in seq order',
      512,
      Duration.seconds(60),
      {
        KEY_ID: numberKey.keyArn,
      },
    );
    const phaseTimer = make(
      'PhaseTimer',
      'phase-timer',
      'Scheduler target: finalizes phase changes, sends reminders',
      512,
      Duration.seconds(30),
      { SCHEDULE_GROUP: scheduleGroupName(stage) },
    );

    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      roleName: roleName(stage, 'scheduler'),
      description: `Backchannel ${stage}: EventBridge Scheduler invokes phase-timer`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': this.account },
        ArnEquals: { 'aws:SourceArn': scheduleGroup.attrArn },
      }),
    });
    schedulerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokePhaseTimerOnly',
        actions: ['lambda:InvokeFunction'],
        resources: [phaseTimer.fn.functionArn],
      }),
    );
    schedulerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // Scheduler delivers dead letters with the schedule's execution role.
        sid: 'DeliverDeadLetters',
        actions: ['sqs:SendMessage'],
        resources: [schedulerDlq.queueArn],
      }),
    );

    const schedulingEnv = {
      SENDER_EMAIL: config.senderEmail,
      APP_URL: config.appUrl,
      SES_CONFIGURATION_SET: configurationSet.configurationSetName,
      SCHEDULE_GROUP: scheduleGroupName(stage),
      SCHEDULER_ROLE_ARN: schedulerRole.roleArn,
      PHASE_TIMER_ARN: phaseTimer.fn.functionArn,
      SCHEDULER_DLQ_ARN: schedulerDlq.queueArn,
    };
    const notify = make(
      'Notify',
      'notify',
      'Stream: sends outbox emails, creates phase timers',
      512,
      Duration.seconds(60),
      // Invitation links carry a token derived from the invitation key (shared/app/invitation-token.ts).
      { ...schedulingEnv, INVITATION_SECRET_ARN: invitationSecret.secretArn },
    );
    const reconciler = make(
      'Reconciler',
      'reconciler',
      'Every 5 minutes: repairs what a lost stream record left undone',
      512,
      Duration.minutes(2),
      schedulingEnv,
    );
    this.functions = {
      api,
      'submit-number': submitNumber,
      'own-number': ownNumber,
      match,
      notify,
      'phase-timer': phaseTimer,
      reconciler,
    };

    // --- Permissions, function by function.
    for (const [name, fn] of Object.entries(this.functions) as [FunctionName, ServiceFunction][]) {
      const access = TABLE_ACCESS[name];
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'Table',
          actions: access.actions.map((action) => `dynamodb:${action}`),
          resources: [table.tableArn],
        }),
      );
      if (access.indexes.length > 0) {
        fn.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            sid: 'TableIndexes',
            actions: ['dynamodb:Query'],
            resources: access.indexes.map((index) => `${table.tableArn}/index/${TABLE.indexes[index].name}`),
          }),
        );
      }
    }
    submitNumber.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SealNumbers',
        actions: ['kms:Encrypt'],
        resources: [numberKey.keyArn],
        conditions: SEAL_CONTEXT_CONDITIONS,
      }),
    );
    for (const fn of [match, ownNumber]) {
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'OpenNumbers',
          actions: ['kms:Decrypt'],
          resources: [numberKey.keyArn],
          conditions: SEAL_CONTEXT_CONDITIONS,
        }),
      );
    }
    // The functions that take mutating requests fingerprint them; api and notify derive
    // invitation tokens from a key of their own (notify must not read the fingerprint key). Each
    // secret's resource policy (stateful stack) denies everyone else, whatever IAM says.
    for (const fn of FINGERPRINT_KEY_READERS) fingerprintSecret.grantRead(this.functions[fn].role);
    for (const fn of INVITATION_KEY_READERS) invitationSecret.grantRead(this.functions[fn].role);

    const schedules = (fn: ServiceFunction, actions: string[]) =>
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'PhaseTimers', actions, resources: [scheduleArns] }),
      );
    const passSchedulerRole = (fn: ServiceFunction) =>
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'PassSchedulerRole',
          actions: ['iam:PassRole'],
          resources: [schedulerRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        }),
      );
    schedules(notify, ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
    schedules(reconciler, ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
    // phase-timer needs no Scheduler access: its schedules delete themselves after completion.
    passSchedulerRole(notify);
    passSchedulerRole(reconciler);

    notify.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendEmail',
        actions: ['ses:SendEmail'],
        resources: [
          this.formatArn({
            service: 'ses',
            resource: 'identity',
            resourceName: senderIdentity.emailIdentityName,
          }),
          this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: configurationSet.configurationSetName,
          }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': config.senderEmail } },
      }),
    );

    // --- Stream consumers (SPEC §5). Records of one item stay in order on their shard; a bad
    // record is isolated by bisecting and reported alone; after bounded retries or an hour its
    // coordinates go to the failure queue (alarmed) and the reconciler repairs the session.
    const streamSource = (
      filters: readonly Record<string, unknown>[],
      onFailure: sqs.IQueue,
      batchSize: number,
    ) =>
      new DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(1),
        parallelizationFactor: 1,
        onFailure: new SqsDlq(onFailure),
        filters: filters.map((pattern) => lambda.FilterCriteria.filter(pattern)),
      });
    match.fn.addEventSource(streamSource(STREAM_FILTERS.match, matchFailures, 10));
    notify.fn.addEventSource(streamSource(STREAM_FILTERS.notify, notifyFailures, 5));

    // --- Asynchronous invocations (Scheduler → phase-timer, EventBridge → reconciler).
    for (const fn of [phaseTimer, reconciler]) {
      fn.fn.configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        onFailure: new destinations.SqsDestination(asyncFailures),
      });
    }
    new events.Rule(this, 'ReconcilerSchedule', {
      description: `Backchannel ${stage}: run the reconciler`,
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [
        new targets.LambdaFunction(reconciler.fn, { retryAttempts: 2, maxEventAge: Duration.minutes(5) }),
      ],
    });

    // --- HTTP API.
    const authorizer = new HttpUserPoolAuthorizer('CognitoIdToken', userPool, {
      userPoolClients: [userPoolClient],
      identitySource: ['$request.header.Authorization'],
    });
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `backchannel-${stage}`,
      description: `Backchannel ${stage}`,
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
      corsPreflight: {
        allowOrigins: config.corsOrigins,
        allowMethods: [
          apigwv2.CorsHttpMethod.GET,
          apigwv2.CorsHttpMethod.POST,
          apigwv2.CorsHttpMethod.PUT,
          apigwv2.CorsHttpMethod.DELETE,
        ],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: config.isDev ? logs.RetentionDays.TWO_WEEKS : logs.RetentionDays.THREE_MONTHS,
      removalPolicy: config.isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    const stageResource = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
      // Per-route metrics would publish DataProcessed (bytes) for the number routes alone.
      detailedMetricsEnabled: false,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integration = (integrationId: string, fn: ServiceFunction) =>
      new HttpLambdaIntegration(integrationId, fn.fn);
    // One route table for AWS and the local runtime: shared/http/routes.ts.
    const integrations: Record<ApiFunctionName, HttpLambdaIntegration> = {
      api: integration('ApiIntegration', api),
      'submit-number': integration('SubmitNumberIntegration', submitNumber),
      'own-number': integration('OwnNumberIntegration', ownNumber),
    };
    const apiIntegration = integrations.api;
    for (const route of API_ROUTES) {
      this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: integrations[route.fn],
      });
    }
    // Everything else (unknown paths, wrong methods) reaches the api function behind the same
    // authorizer, so callers get the SPEC's 404/405 error bodies instead of API Gateway's.
    new apigwv2.HttpRoute(this, 'CatchAllRoute', {
      httpApi: this.httpApi,
      routeKey: apigwv2.HttpRouteKey.DEFAULT,
      integration: apiIntegration,
      authorizer,
    });

    let apiUrl = stageResource.url;
    if (config.domainName && config.certificateArn) {
      const domainName = new apigwv2.DomainName(this, 'ApiDomain', {
        domainName: config.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'ApiCertificate', config.certificateArn),
      });
      new apigwv2.ApiMapping(this, 'ApiDomainMapping', {
        api: this.httpApi,
        domainName,
        stage: stageResource,
      });
      apiUrl = `https://${config.domainName}/`;
      new CfnOutput(this, 'ApiDomainTarget', {
        value: domainName.regionalDomainName,
        description: `Point a CNAME (or alias A/AAAA) record for ${config.domainName} at this name`,
      });
    }

    // --- Alarms: functions, API, streams.
    for (const [name, fn] of Object.entries(this.functions) as [FunctionName, ServiceFunction][]) {
      const id = fn.node.id;
      alarm(
        `${id}ErrorsAlarm`,
        fn.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        `${name}: the function failed (error or timeout).`,
      );
      alarm(
        `${id}ThrottlesAlarm`,
        fn.fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        `${name}: Lambda throttled invocations (account or function concurrency).`,
      );
    }
    for (const fn of [match, notify]) {
      alarm(
        `${fn.node.id}IteratorAgeAlarm`,
        fn.fn.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
        `${fn.node.id}: stream records wait over 5 minutes (stuck or failing batches).`,
        5 * 60 * 1000,
      );
    }
    alarm(
      'Api5xxAlarm',
      this.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      'HTTP API answered 5xx.',
    );
    // HTTP APIs publish no throttle metric: a throttled request is a 429 inside 4xx. A burst of
    // 4xx is also what scanning or a broken client looks like, so the threshold is generous.
    alarm(
      'Api4xxAlarm',
      this.httpApi.metricClientError({ period: Duration.minutes(5), statistic: 'Sum' }),
      'HTTP API answered over 500 4xx responses in 5 minutes (throttling at the stage limit, a broken client, or probing).',
      500,
    );

    // --- Audit (SPEC §1): the only ways an operator could reach a number are changing the key
    // policy or grants, the functions' roles (us-east-1: see IamAuditStack), the functions' code
    // or configuration, the fingerprint key, or the user pool. Each is a CloudTrail event; each
    // raises an alarm. Deployments raise them too: that is intended.
    const auditRule = (
      ruleId: string,
      description: string,
      source: string,
      detail: Record<string, unknown>,
    ) =>
      new events.Rule(this, ruleId, {
        description,
        eventPattern: { source: [source], detailType: ['AWS API Call via CloudTrail'], detail },
        targets: [new targets.SnsTopic(this.alarmTopic)],
      });
    auditRule('KeyChangeRule', 'Key policy, grants or state of the number key changed', 'aws.kms', {
      eventSource: ['kms.amazonaws.com'],
      eventName: ['PutKeyPolicy', 'CreateGrant', 'ScheduleKeyDeletion', 'DisableKey', 'DisableKeyRotation'],
      $or: [
        { resources: { ARN: [numberKey.keyArn] } },
        { requestParameters: { keyId: [numberKey.keyArn, numberKey.keyId] } },
      ],
    });
    auditRule('UserPoolAdminRule', 'Administrative action on the user pool', 'aws.cognito-idp', {
      eventSource: ['cognito-idp.amazonaws.com'],
      eventName: [
        { prefix: 'Admin' },
        'UpdateUserPool',
        'DeleteUserPool',
        'CreateUserPoolClient',
        'UpdateUserPoolClient',
        'CreateIdentityProvider',
        'UpdateIdentityProvider',
        'SetUserPoolMfaConfig',
      ],
      requestParameters: { userPoolId: [userPool.userPoolId] },
    });
    auditRule(
      'FunctionChangeRule',
      "Code, configuration or permissions of the service's functions changed",
      'aws.lambda',
      {
        eventSource: ['lambda.amazonaws.com'],
        eventName: [
          { prefix: 'UpdateFunctionCode' },
          { prefix: 'UpdateFunctionConfiguration' },
          { prefix: 'AddPermission' },
          { prefix: 'DeleteFunction' },
          { prefix: 'CreateEventSourceMapping' },
          { prefix: 'UpdateEventSourceMapping' },
        ],
        requestParameters: {
          functionName: [
            { prefix: `${prefix(stage)}-` },
            { wildcard: `arn:*:lambda:*:function:${prefix(stage)}-*` },
          ],
        },
      },
    );
    auditRule('SecretChangeRule', 'A secret or its resource policy changed', 'aws.secretsmanager', {
      eventSource: ['secretsmanager.amazonaws.com'],
      eventName: [
        'PutResourcePolicy',
        'DeleteResourcePolicy',
        'PutSecretValue',
        'UpdateSecret',
        'DeleteSecret',
      ],
    });

    // --- cdk-nag: reasoned exceptions.
    for (const fn of Object.values(this.functions)) {
      acknowledge(
        fn.fn,
        'AwsSolutions-L1',
        'SPEC §5 pins Node.js 22 (the code also runs on Node 20 locally); moving to a newer runtime is a deliberate upgrade, not a default.',
      );
    }
    for (const fn of [match, notify]) {
      acknowledge(
        fn.role,
        'AwsSolutions-IAM5[Resource::*]',
        'dynamodb:ListStreams has no resource-level permissions (added by the stream event source); the stream read actions themselves are scoped to the table stream.',
      );
    }
    // cdk-nag names a finding by the rendered ARN: a known region or account appears literally.
    const nagRegion = Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region;
    const nagAccount = Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account;
    for (const fn of [notify, reconciler]) {
      acknowledge(
        fn.role,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:${nagRegion}:${nagAccount}:schedule/${scheduleGroupName(stage)}/*]`,
        "Phase timers are one-time schedules created at run time with deterministic names; access is limited to the stage's own schedule group.",
      );
    }
    acknowledge(
      this.alarmTopic,
      'AwsSolutions-SNS2',
      'Alarm and audit notifications carry metadata only (alarm states, CloudTrail envelopes), never a number; CloudWatch and EventBridge cannot publish to a topic under the AWS managed SNS key, and a dedicated key would add a second key policy to guard.',
    );

    new CfnOutput(this, 'ApiUrl', { value: apiUrl, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'ScheduleGroupName', { value: scheduleGroupName(stage) });
    new CfnOutput(this, 'SesConfigurationSet', { value: configurationSet.configurationSetName });
    if (config.senderDomain) {
      senderIdentity.dkimRecords.forEach((record, index) => {
        new CfnOutput(this, `DkimRecord${index + 1}`, {
          value: `${record.name} CNAME ${record.value}`,
          description: `DKIM record ${index + 1} to publish in ${config.senderDomain}'s DNS`,
        });
      });
    }
  }
}
