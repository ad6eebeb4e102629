import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, CfnOutput, Duration, Fn, Stack, type StackProps, Token } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config';
import { CspCompletion } from '../constructs/csp-completion';
import {
  contentSecurityPolicy,
  responseHeadersPolicyConfig,
  type SecurityHeaders,
} from '../constructs/security-headers';
import { acknowledge } from '../nag';
import { webBucketExportName } from '../naming';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Deployed instead of the app when it has not been built (a fresh clone, the infra tests). */
export const PLACEHOLDER_DIR = fileURLToPath(new URL('../web-placeholder/', import.meta.url));

/** The build folder to deploy: `webDist` when it holds an index.html, the placeholder page otherwise. */
export function webSourceDir(webDist: string): { dir: string; built: boolean } {
  const dir = isAbsolute(webDist) ? webDist : join(REPO_ROOT, webDist);
  return existsSync(join(dir, 'index.html')) ? { dir, built: true } : { dir: PLACEHOLDER_DIR, built: false };
}

/** What the app reads from `/config.json` at start (web/src/config/config.ts). */
export interface WebAppConfig {
  apiUrl: string;
  signIn: 'cognito';
  userPoolId: string;
  userPoolClientId: string;
  region: string;
  authDomain: string;
  redirectUri: string;
}

export interface WebContentStackProps extends StackProps {
  config: AppConfig;
  /** The web stack: its bucket is imported by export name, its distribution by reference. */
  web: Stack;
  distribution: cloudfront.IDistribution;
  securityHeaders: SecurityHeaders;
  /** From WebStack: the CSP's Cognito sources, and the API origin if it was known there. */
  authDomainUrl: string;
  issuerOrigin: string;
  knownApiOrigin: string | undefined;
  /** From the stateless stack: the API's base URL and origin. */
  apiUrl: string;
  apiOrigin: string;
  userPool: cognito.IUserPool;
  userPoolClient: cognito.IUserPoolClient;
}

/**
 * What is deployed into the web bucket, after everything else: the built app (npm run build:web)
 * and a generated `/config.json` pointing it at this stage's API and user pool. Content-hashed
 * files under `assets/` are cached for a year and kept across deployments (an open tab may still
 * load an older chunk); everything else, index.html and config.json included, is revalidated on
 * every load, and the distribution's cache is invalidated after each deployment. The files stay
 * when this stack is deleted: the bucket belongs to the web stack (in dev, deleting it empties
 * it). When the API's origin was not known to the web stack, this stack writes it into the CSP
 * (CspCompletion).
 */
export class WebContentStack extends Stack {
  readonly sourceDir: string;
  readonly appConfig: WebAppConfig;
  readonly cspCompletion: CspCompletion | undefined;

  constructor(scope: Construct, id: string, props: WebContentStackProps) {
    super(scope, id, props);
    const { config, distribution } = props;
    // By its named export (WebStack): the deployment role's policy then names the bucket the
    // same way before and after synthesis, and cdk-nag's findings on it are stable.
    const bucket = s3.Bucket.fromBucketName(
      this,
      'WebBucket',
      Fn.importValue(webBucketExportName(config.stage)),
    );
    this.addStackDependency(props.web);

    const source = webSourceDir(config.webDist);
    this.sourceDir = source.dir;
    if (!source.built) {
      Annotations.of(this).addWarningV2(
        'backchannel:web-not-built',
        `No web app at ${config.webDist} (index.html missing): deploying a placeholder page. Run npm run build:web before cdk deploy.`,
      );
    }
    this.appConfig = {
      apiUrl: props.apiUrl,
      signIn: 'cognito',
      userPoolId: props.userPool.userPoolId,
      userPoolClientId: props.userPoolClient.userPoolClientId,
      region: this.region,
      authDomain: props.authDomainUrl,
      redirectUri: config.callbackUrls.find((url) => /^https?:\/\//i.test(url)) ?? config.appUrl,
    };

    const app = s3deploy.Source.asset(source.dir);
    const assets = new s3deploy.BucketDeployment(this, 'Assets', {
      sources: [app],
      destinationBucket: bucket,
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [
        s3deploy.CacheControl.setPublic(),
        s3deploy.CacheControl.maxAge(Duration.days(365)),
        s3deploy.CacheControl.immutable(),
      ],
      memoryLimit: 512,
    });
    const entry = new s3deploy.BucketDeployment(this, 'Entry', {
      sources: [app, s3deploy.Source.jsonData('config.json', this.appConfig)],
      destinationBucket: bucket,
      exclude: ['assets/*'],
      prune: true,
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    // New chunks are in place before the index.html that loads them.
    entry.node.addDependency(assets);

    this.cspCompletion =
      props.knownApiOrigin === undefined
        ? new CspCompletion(this, 'CspCompletion', {
            policyId: props.securityHeaders.policy.responseHeadersPolicyId,
            apiOrigin: props.apiOrigin,
            config: responseHeadersPolicyConfig(
              props.securityHeaders.config.Name,
              contentSecurityPolicy({
                apiOrigin: props.apiOrigin,
                authDomainUrl: props.authDomainUrl,
                issuerOrigin: props.issuerOrigin,
              }),
            ),
          })
        : undefined;

    // CDK's deployment function (one for both deployments) copies from the asset bucket into the
    // web bucket and invalidates the distribution: its findings are CDK's, acknowledged on it.
    const deploymentFunction = entry.handlerRole.node.scope as Construct;
    const nagRegion = Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region;
    const nagAccount = Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account;
    for (const finding of [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${nagAccount}-${nagRegion}/*`,
      `Resource::arn:<AWS::Partition>:s3:::${webBucketExportName(config.stage)}/*`,
      'Resource::*',
    ]) {
      acknowledge(
        deploymentFunction,
        `AwsSolutions-IAM5[${finding}]`,
        "CDK's bucket deployment reads its zipped sources from the CDK asset bucket, syncs them into the web bucket's objects (that bucket only) and invalidates the distribution's cache (CDK's policy gives invalidations no resource scope); it runs only during deployments.",
      );
    }
    acknowledge(
      deploymentFunction,
      'AwsSolutions-L1',
      "The bucket deployment's runtime is chosen by aws-cdk-lib and moves with its upgrades; it runs only during deployments.",
    );
    // AwsCustomResource's singleton function: `AWS` and its UUID without dashes.
    const sdkFunction = this.node.tryFindChild(
      `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    for (const fn of [deploymentFunction, ...(sdkFunction ? [sdkFunction] : [])]) {
      acknowledge(
        fn,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's deployment-time functions (bucket deployment, CSP update) use the managed basic execution policy to write their own logs, and nothing else.",
      );
    }

    new CfnOutput(this, 'WebConfig', {
      value: this.toJsonString(this.appConfig),
      description: 'The /config.json the web app was given',
    });
  }
}
