import { Aws, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ContextConfig } from '../config';
import { contentSecurityPolicy, SecurityHeaders } from '../constructs/security-headers';
import { acknowledge } from '../nag';
import { authDomainPrefix, authDomainUrl, prefix, webBucketExportName } from '../naming';

export interface WebStackProps extends StackProps {
  config: ContextConfig;
}

/**
 * Viewer-request function: a path without a file extension is a route of the single-page app and
 * gets `/index.html`; everything else (assets, config.json) is fetched as is, so a missing asset
 * stays a 404.
 */
export const SPA_FALLBACK_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}`;

/**
 * Where the web app lives: a private bucket that only this distribution may read (origin access
 * control), the distribution (HTTPS only, SPA routing, security headers). Deployed first, before
 * the stateful stack: its URL is the default app URL, which the user pool client's callback and
 * sign-out URLs, the API's CORS origin and the links in emails all use. It depends on nothing:
 * the Cognito domain in its CSP is computed from the stage and account, and the API's origin is
 * written into the CSP by WebContentStack once the API exists (see CspCompletion), unless a custom
 * API domain makes it known now. What is deployed into the bucket: WebContentStack.
 */
export class WebStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly securityHeaders: SecurityHeaders;
  /** `https://<distribution>.cloudfront.net`: the hosted app's URL and origin. */
  readonly url: string;
  /** The Cognito hosted UI's base URL, as the stateful stack's user pool domain will have it. */
  readonly authDomainUrl: string;
  /** The user pool's issuer origin (OIDC discovery and keys). */
  readonly issuerOrigin: string;
  /** The API's origin when a custom API domain makes it known before the API exists. */
  readonly apiOrigin: string | undefined;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { config } = props;

    // Only the build lives here. `dev` tears down cleanly (CDK empties the bucket first, which
    // adds its clean-up role to the bucket policy: delete and list, never read); other stages
    // keep it, and its policy names CloudFront alone.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: config.isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: config.isDev,
    });

    this.authDomainUrl = authDomainUrl(
      authDomainPrefix(config.stage, this.account, config.authDomainPrefix),
      this.region,
    );
    this.issuerOrigin = `https://cognito-idp.${this.region}.${Aws.URL_SUFFIX}`;
    this.apiOrigin = config.domainName === undefined ? undefined : `https://${config.domainName}`;
    this.securityHeaders = new SecurityHeaders(this, 'SecurityHeaders', {
      name: `${prefix(config.stage)}-web-${this.region}`,
      csp: contentSecurityPolicy({
        apiOrigin: this.apiOrigin,
        authDomainUrl: this.authDomainUrl,
        issuerOrigin: this.issuerOrigin,
      }),
    });

    const spaFallback = new cloudfront.Function(this, 'SpaFallback', {
      comment: 'Routes of the single-page app get /index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(SPA_FALLBACK_CODE),
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Backchannel ${config.stage} web app`,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        // LIST lets S3 answer 404 (not 403) for a missing asset; CloudFront forwards no query string.
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originAccessLevels: [cloudfront.AccessLevel.READ, cloudfront.AccessLevel.LIST],
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.securityHeaders.policy,
        compress: true,
        functionAssociations: [
          { function: spaFallback, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    acknowledge(
      this.distribution,
      'Annotation::@aws-cdk/aws-cloudfront-origins:listBucketSecurityRisk',
      'The default root object is index.html, so no request reaches the bucket root, and the cache policy forwards no query string: CloudFront can answer 404 for a missing file but never a listing.',
    );
    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      'The bucket holds the public build of the web app and is read only by CloudFront; requests are visible in CloudFront, and API calls are logged by the API stage.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'The web app is a static page for anyone the parties invite, wherever they are; geography is no access criterion for a negotiation.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'Only static files are served (GET/HEAD, cached); a web ACL adds cost without protecting data. The API, which holds the data, throttles at its stage.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR3',
      'Access logs of the static files would record only who loaded the app; API calls, the ones that matter, are logged by the API stage.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR4',
      'The default *.cloudfront.net certificate fixes the minimum TLS version; a custom domain with its own certificate is the way to raise it (docs/deploy.md).',
    );

    new CfnOutput(this, 'WebUrl', { value: this.url, description: 'The web app (default app URL)' });
    new CfnOutput(this, 'WebBucketName', {
      value: this.bucket.bucketName,
      exportName: webBucketExportName(config.stage),
    });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
  }
}
