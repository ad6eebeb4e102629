import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_ROUTES, type ApiFunctionName } from '../../shared/http/routes';
import { Group } from './group';
import type { ServiceFunction } from './service-function';

/**
 * Stage-wide limits per route (HTTP APIs cannot throttle per caller). openapi.yaml: never below 50
 * requests a second per user, so the shared ceiling sits an order of magnitude above that; it
 * is a backstop against floods and runaway clients, not a per-user quota.
 */
export const THROTTLE = { rateLimit: 500, burstLimit: 1000 };

/**
 * The access log: who called which route, when, with what result and latency. Deliberately no
 * $context.responseLength, $context.integration.responseLength or any other size (docs/rules.md, "Who learns what": the
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

export interface HttpApiProps {
  stage: string;
  isDev: boolean;
  userPool: cognito.IUserPool;
  userPoolClient: cognito.IUserPoolClient;
  /** Browser origins allowed to call the API. */
  corsOrigins: string[];
  /** The function serving each route of shared/http/routes.ts; `api` also answers everything else. */
  functions: Record<ApiFunctionName, ServiceFunction>;
  /** Optional custom domain; needs a regional ACM certificate in the stack's region. */
  domainName?: string;
  certificateArn?: string;
}

/**
 * The HTTP API: every route of the shared route table behind the Cognito JWT authorizer, an
 * authorized catch-all for unknown paths and methods, a throttled `$default` stage with access
 * logs, and the optional custom domain.
 */
export class HttpApi extends Group {
  readonly httpApi: apigwv2.HttpApi;
  /** Base URL of the API, ending in `/`: the custom domain when configured. */
  readonly url: string;
  /** The API's origin (`https://host`): the custom domain when configured. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const { stage, isDev, userPool, userPoolClient, functions } = props;

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
        allowOrigins: props.corsOrigins,
        allowMethods: [
          apigwv2.CorsHttpMethod.GET,
          apigwv2.CorsHttpMethod.POST,
          apigwv2.CorsHttpMethod.PUT,
          apigwv2.CorsHttpMethod.DELETE,
        ],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        // The calendar's file name (openapi.yaml, `GET /sessions/{id}/calendar.ics`).
        exposeHeaders: ['content-disposition'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: isDev ? logs.RetentionDays.TWO_WEEKS : logs.RetentionDays.THREE_MONTHS,
      removalPolicy: isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
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

    // One route table for AWS and the local runtime: shared/http/routes.ts.
    const integrations = Object.fromEntries(
      Object.entries(functions).map(([name, fn]) => [
        name,
        new HttpLambdaIntegration(`${fn.node.id}Integration`, fn.fn),
      ]),
    ) as Record<ApiFunctionName, HttpLambdaIntegration>;
    for (const route of API_ROUTES) {
      this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: integrations[route.fn],
      });
    }
    // Everything else (unknown paths, wrong methods) reaches the api function behind the same
    // authorizer, so callers get openapi.yaml's 404/405 error bodies instead of API Gateway's.
    new apigwv2.HttpRoute(this, 'CatchAllRoute', {
      httpApi: this.httpApi,
      routeKey: apigwv2.HttpRouteKey.DEFAULT,
      integration: integrations.api,
      authorizer,
    });

    let url = stageResource.url;
    let origin = this.httpApi.apiEndpoint;
    if (props.domainName && props.certificateArn) {
      const domainName = new apigwv2.DomainName(this, 'ApiDomain', {
        domainName: props.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'ApiCertificate', props.certificateArn),
      });
      new apigwv2.ApiMapping(this, 'ApiDomainMapping', {
        api: this.httpApi,
        domainName,
        stage: stageResource,
      });
      url = `https://${props.domainName}/`;
      origin = `https://${props.domainName}`;
      new CfnOutput(this, 'ApiDomainTarget', {
        value: domainName.regionalDomainName,
        description: `Point a CNAME (or alias A/AAAA) record for ${props.domainName} at this name`,
      });
    }
    this.url = url;
    this.origin = origin;
    new CfnOutput(this, 'ApiUrl', { value: url, description: 'Base URL of the HTTP API' });
  }
}
