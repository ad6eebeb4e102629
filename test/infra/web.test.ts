import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HSTS_MAX_AGE_SECONDS } from '../../lib/constructs/security-headers';
import { PLACEHOLDER_DIR, webSourceDir } from '../../lib/stacks/web-content-stack';
import { SPA_FALLBACK_CODE } from '../../lib/stacks/web-stack';
import {
  actionCovers,
  actionsOf,
  asArray,
  flatten,
  type Json,
  OPTIONAL_CONTEXT,
  refId,
  resource,
  resources,
  roleStatements,
  SYNTH_TIMEOUT_MS,
  type Synthesized,
  synth,
} from './support/synth';

// hosted: no appUrl, no custom API domain (the default). custom: a prod stage with every optional
// key, the custom API domain among them.
let hosted: Synthesized;
let custom: Synthesized;

beforeAll(() => {
  hosted = synth('dev', { appUrl: undefined, webDist: 'no/such/folder' });
  custom = synth('prod', OPTIONAL_CONTEXT);
}, SYNTH_TIMEOUT_MS);

const only = (app: Synthesized, type: string): Json => {
  const found = [...resources(app.templates.web, type), ...resources(app.templates.webContent, type)];
  expect(found).toHaveLength(1);
  return found[0]![1].Properties;
};
const distribution = (app: Synthesized) => only(app, 'AWS::CloudFront::Distribution').DistributionConfig;
const bucketPolicy = (app: Synthesized): Json[] =>
  only(app, 'AWS::S3::BucketPolicy').PolicyDocument.Statement;
const headers = (app: Synthesized) =>
  only(app, 'AWS::CloudFront::ResponseHeadersPolicy').ResponseHeadersPolicyConfig;
/** The CSP's directives by name, each with its sources. */
const directives = (csp: string) =>
  Object.fromEntries(
    csp.split(';').map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
const sdkCall = (app: Synthesized, action: string): Json => {
  const calls = resources(app.templates.webContent, 'Custom::AWS')
    .map(([, r]) => r.Properties.Update)
    .filter((update) => flatten(update).includes(`"action":"${action}"`));
  expect(calls).toHaveLength(1);
  return calls[0];
};
const distributionImport = '{import:Backchannel-dev-Web:ExportsOutputFnGetAttDistribution830FAC52DomainName';

describe('web bucket', () => {
  it.each(['hosted', 'custom'])('blocks all public access and refuses plain HTTP (%s)', (variant) => {
    // Prepare
    const app = variant === 'hosted' ? hosted : custom;

    // Act
    const bucket = only(app, 'AWS::S3::Bucket');
    const tlsDeny = bucketPolicy(app).find((s) => s.Condition?.Bool?.['aws:SecureTransport'] === 'false');

    // Assess
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.WebsiteConfiguration).toBeUndefined();
    expect(tlsDeny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*' });
  });

  it.each(['hosted', 'custom'])(
    'lets only this distribution read objects, through CloudFront (%s)',
    (variant) => {
      // Prepare
      const app = variant === 'hosted' ? hosted : custom;
      const [[distributionId]] = resources(app.templates.web, 'AWS::CloudFront::Distribution') as [
        [string, Json],
      ];

      // Act
      const readers = bucketPolicy(app).filter(
        (s) => s.Effect === 'Allow' && actionsOf(s).some((a) => actionCovers(a, 's3:GetObject')),
      );

      // Assess
      expect(readers).toHaveLength(1);
      expect(readers[0].Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(Object.keys(readers[0].Condition)).toEqual(['StringEquals']);
      expect(flatten(readers[0].Condition.StringEquals['AWS:SourceArn'])).toBe(
        `arn:{AWS::Partition}:cloudfront::{AWS::AccountId}:distribution/{${distributionId}}`,
      );
    },
  );

  it('names CloudFront alone outside dev (dev adds the clean-up role: delete and list, no read)', () => {
    // Prepare
    const allows = (app: Synthesized) => bucketPolicy(app).filter((s) => s.Effect === 'Allow');

    // Act
    const cleanUp = allows(hosted).filter((s) => s.Principal.Service === undefined);

    // Assess
    expect(allows(custom).map((s) => s.Principal)).toEqual([{ Service: 'cloudfront.amazonaws.com' }]);
    expect(cleanUp).toHaveLength(1);
    expect(actionsOf(cleanUp[0]).some((a) => actionCovers(a, 's3:GetObject'))).toBe(false);
    expect(resources(custom.templates.web, 'AWS::S3::Bucket')[0]![1].DeletionPolicy).toBe('Retain');
  });
});

describe('distribution', () => {
  it('reaches the bucket through an origin access control that signs every request', () => {
    // Prepare
    const [origin] = distribution(hosted).Origins as Json[];

    // Act
    const oac = resource(hosted.templates.web, refId(origin.OriginAccessControlId)!).Properties
      .OriginAccessControlConfig;

    // Assess
    expect(oac).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(flatten(origin.DomainName)).toMatch(/^\{Bucket[0-9A-F]+\.RegionalDomainName\}$/);
  });

  it('redirects HTTP to HTTPS and serves GET and HEAD only', () => {
    // Prepare / Act
    const behavior = distribution(hosted).DefaultCacheBehavior;

    // Assess
    expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(distribution(hosted).CacheBehaviors).toBeUndefined();
  });

  it('sends routes of the app to /index.html and leaves files (and their 404s) alone', () => {
    // Prepare
    const behavior = distribution(hosted).DefaultCacheBehavior;
    const fn = only(hosted, 'AWS::CloudFront::Function');
    const handler = new Function(`${SPA_FALLBACK_CODE}; return handler;`)() as (event: Json) => Json;
    const route = (uri: string) => handler({ request: { uri } }).uri as string;

    // Act
    const routed = ['/', '/sessions', '/sessions/01J9ZQ/', '/invite', '/sessions/01J9ZQ'].map(route);
    const files = ['/config.json', '/assets/index-CtnWSM_a.js', '/assets/missing.css', '/favicon.ico'];

    // Assess
    expect(fn.FunctionCode).toBe(SPA_FALLBACK_CODE);
    expect(behavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [expect.any(String), 'FunctionARN'] } },
    ]);
    expect(new Set(routed)).toEqual(new Set(['/index.html']));
    expect(files.map(route)).toEqual(files);
    // No 403/404 → index.html mapping: a missing asset stays a 404 (the origin may list).
    expect(distribution(hosted).CustomErrorResponses).toBeUndefined();
    expect(actionsOf(bucketPolicy(hosted).find((s) => s.Principal?.Service)!)).toContain('s3:ListBucket');
  });
});

describe('security headers', () => {
  it('sends HSTS, no framing, no referrer and nosniff on every response', () => {
    // Prepare
    const behavior = distribution(hosted).DefaultCacheBehavior;
    const [[policyId]] = resources(hosted.templates.web, 'AWS::CloudFront::ResponseHeadersPolicy') as [
      [string, Json],
    ];

    // Act
    const config = headers(hosted).SecurityHeadersConfig;

    // Assess
    expect(refId(behavior.ResponseHeadersPolicyId)).toBe(policyId);
    expect(config.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
      IncludeSubdomains: true,
      Preload: false,
      Override: true,
    });
    expect(HSTS_MAX_AGE_SECONDS).toBeGreaterThanOrEqual(365 * 24 * 3600);
    expect(config.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(config.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(config.ContentTypeOptions).toEqual({ Override: true });
    expect(config.ContentSecurityPolicy.Override).toBe(true);
  });

  it('names the custom API domain and the Cognito domains in the CSP, and nothing broader', () => {
    // Prepare
    const csp = flatten(headers(custom).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    const cognito = 'https://backchannel-prod-{AWS::AccountId}.auth.{AWS::Region}.amazoncognito.com';

    // Act
    const d = directives(csp);

    // Assess
    expect(d['default-src']).toEqual(["'self'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['style-src']).toEqual(["'self'"]);
    expect(d['connect-src']).toEqual([
      "'self'",
      'https://api.example.com',
      cognito,
      'https://cognito-idp.{AWS::Region}.{AWS::URLSuffix}',
    ]);
    expect(d['form-action']).toEqual(["'self'", cognito]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/\*|unsafe-|https:(\s|;|$)|http:\/\//);
    expect(resources(custom.templates.webContent, 'Custom::AWS')).toEqual([]);
  });

  it('names the Cognito domain the user pool really has', () => {
    // Prepare
    const [[, domain]] = resources(hosted.templates.stateful, 'AWS::Cognito::UserPoolDomain') as [
      [string, Json],
    ];

    // Act
    const csp = flatten(headers(hosted).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);

    // Assess
    expect(flatten(domain.Properties.Domain)).toBe('backchannel-dev-{AWS::AccountId}');
    expect(directives(csp)['connect-src']).toContain(
      `https://${flatten(domain.Properties.Domain)}.auth.{AWS::Region}.amazoncognito.com`,
    );
  });

  it('writes the API origin into the CSP once the API exists, keeping every other header as it is', () => {
    // Prepare
    const read = sdkCall(hosted, 'getResponseHeadersPolicyConfig');
    const update = sdkCall(hosted, 'updateResponseHeadersPolicy');
    const [[readId]] = resources(hosted.templates.webContent, 'Custom::AWS').filter(([, r]) =>
      flatten(r.Properties.Update).includes('getResponseHeadersPolicyConfig'),
    ) as [[string, Json]];

    // Act
    const text = flatten(update);
    const config = JSON.parse(text.replace(/\{import:[^}]*ApiEndpoint[^}]*\}/, 'API')).parameters
      .ResponseHeadersPolicyConfig;
    const before = headers(hosted);

    // Assess
    expect(flatten(read)).toMatch(/"Id":"\{import:Backchannel-dev-Web:ExportsOutputRefSecurityHeaders/);
    expect(flatten(read)).toContain('ApiEndpoint');
    expect(text).toContain(`"IfMatch":"{${readId}.ETag}"`);
    expect(
      directives(config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy)['connect-src'],
    ).toEqual([
      "'self'",
      'API',
      'https://backchannel-dev-{AWS::AccountId}.auth.{AWS::Region}.amazoncognito.com',
      'https://cognito-idp.{AWS::Region}.{AWS::URLSuffix}',
    ]);
    const { ContentSecurityPolicy: _after, ...afterRest } = config.SecurityHeadersConfig;
    const { ContentSecurityPolicy: _before, ...beforeRest } = before.SecurityHeadersConfig;
    expect(afterRest).toEqual(beforeRest);
    expect({ ...config, SecurityHeadersConfig: undefined, Name: flatten(config.Name) }).toEqual({
      ...before,
      SecurityHeadersConfig: undefined,
      Name: flatten(before.Name),
    });
  });

  it('lets the CSP update read and change that one policy and nothing else', () => {
    // Prepare
    const statements = resources(hosted.templates.webContent, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('CspCompletion'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);

    // Act
    const summary = statements.map((s) => [actionsOf(s), flatten(s.Resource)]);

    // Assess
    expect(summary).toEqual([
      [
        ['cloudfront:GetResponseHeadersPolicyConfig'],
        'arn:{AWS::Partition}:cloudfront::{AWS::AccountId}:response-headers-policy/{import:Backchannel-dev-Web:ExportsOutputRefSecurityHeadersE66B69D32B59B0E3}',
      ],
      [
        ['cloudfront:UpdateResponseHeadersPolicy'],
        'arn:{AWS::Partition}:cloudfront::{AWS::AccountId}:response-headers-policy/{import:Backchannel-dev-Web:ExportsOutputRefSecurityHeadersE66B69D32B59B0E3}',
      ],
    ]);
  });
});

describe('app URL', () => {
  it('defaults to the distribution: callback and sign-out URLs, CORS origin, email links', () => {
    // Prepare
    const [[, client]] = resources(hosted.templates.stateful, 'AWS::Cognito::UserPoolClient') as [
      [string, Json],
    ];
    const [[, api]] = resources(hosted.templates.stateless, 'AWS::ApiGatewayV2::Api') as [[string, Json]];
    const notify = resources(hosted.templates.stateless, 'AWS::Lambda::Function').find(
      ([, fn]) => fn.Properties.FunctionName === 'Backchannel-dev-notify',
    )![1];

    // Act
    const urls = {
      callback: client.Properties.CallbackURLs.map(flatten),
      logout: client.Properties.LogoutURLs.map(flatten),
      cors: api.Properties.CorsConfiguration.AllowOrigins.map(flatten),
      email: flatten(notify.Properties.Environment.Variables.APP_URL),
    };

    // Assess
    const url = expect.stringMatching(
      new RegExp(`^https://${distributionImport.replace(/[{}]/g, '\\$&')}[^}]*\\}$`),
    );
    expect(urls).toEqual({ callback: [url], logout: [url, expect.any(String)], cors: [url], email: url });
    expect(urls.logout[1]).toBe(`${urls.logout[0]}/`);
    expect(Object.keys(hosted.templates.web.toJSON().Outputs)).toContain('WebUrl');
  });

  it('signs in with the authorization code grant and PKCE: a public client, no secret, OpenID scopes', () => {
    // Prepare / Act
    const [[, client]] = resources(hosted.templates.stateful, 'AWS::Cognito::UserPoolClient') as [
      [string, Json],
    ];

    // Assess
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect([...client.Properties.AllowedOAuthScopes].sort()).toEqual(['email', 'openid', 'profile']);
    expect(resources(hosted.templates.stateful, 'AWS::Cognito::UserPoolDomain')).toHaveLength(1);
  });

  it('deploys in one pass: every reference points from a later stack to an earlier one', () => {
    // Prepare
    const names = (stacks: { stackName: string }[]) => stacks.map((s) => s.stackName).sort();

    // Act / Assess
    expect(names(hosted.web.dependencies)).toEqual([]);
    expect(names(hosted.stateful.dependencies)).toEqual(['Backchannel-dev-Web']);
    expect(names(hosted.stateless.dependencies)).toEqual(['Backchannel-dev-Stateful', 'Backchannel-dev-Web']);
    expect(names(hosted.webContent.dependencies)).toEqual([
      'Backchannel-dev-Stateful',
      'Backchannel-dev-Stateless',
      'Backchannel-dev-Web',
    ]);
  });
});

describe('deployed app', () => {
  /** The generated config.json as staged in the cloud assembly, with each deploy-time value flattened. */
  const configJson = (app: Synthesized): Json => {
    const [[, entry]] = resources(app.templates.webContent, 'Custom::CDKBucketDeployment').filter(([, d]) =>
      asArray(d.Properties.Exclude).includes('assets/*'),
    ) as [[string, Json]];
    const dir = app.app.synth().directory;
    const staged = readdirSync(dir)
      .map((name) => join(dir, name, 'config.json'))
      .filter((path) => existsSync(path));
    expect(staged).toHaveLength(1);
    const markers = entry.Properties.SourceMarkers.find((m: Json) => Object.keys(m).length > 0) as Json;
    const text = readFileSync(staged[0]!, 'utf8').replace(/<<marker:0xbaba:\d+>>/g, (m) =>
      flatten(markers[m]),
    );
    return JSON.parse(text);
  };

  it('writes config.json with the API, the user pool, the hosted UI and the redirect URI', () => {
    // Prepare / Act
    const config = configJson(hosted);

    // Assess
    expect(config).toEqual({
      apiUrl: expect.stringMatching(
        /^https:\/\/\{import:Backchannel-dev-Stateless:ExportsOutputRefHttpApi[^}]+\}\.execute-api\.\{AWS::Region\}\.\{AWS::URLSuffix\}\/$/,
      ),
      signIn: 'cognito',
      userPoolId: expect.stringMatching(
        /^\{import:Backchannel-dev-Stateful:ExportsOutputRefUserPool[^}]+\}$/,
      ),
      userPoolClientId: expect.stringMatching(
        /^\{import:Backchannel-dev-Stateful:ExportsOutputRefUserPoolAppClient/,
      ),
      region: '{AWS::Region}',
      authDomain: 'https://backchannel-dev-{AWS::AccountId}.auth.{AWS::Region}.amazoncognito.com',
      redirectUri: expect.stringMatching(
        /^https:\/\/\{import:Backchannel-dev-Web:ExportsOutputFnGetAttDistribution/,
      ),
    });
  });

  it('redirects to the first web callback URL and calls the custom API domain when given', () => {
    // Prepare / Act
    const config = configJson(custom);

    // Assess
    expect(config.apiUrl).toBe('https://api.example.com/');
    expect(config.redirectUri).toBe('https://app.example.com/auth');
  });

  it('deploys hashed assets for a year and everything else revalidated, then invalidates the cache', () => {
    // Prepare
    const deployments = resources(hosted.templates.webContent, 'Custom::CDKBucketDeployment').map(
      ([, d]) => d.Properties,
    );

    // Act
    const byCache = Object.fromEntries(deployments.map((d) => [d.SystemMetadata['cache-control'], d]));

    // Assess
    expect(Object.keys(byCache).sort()).toEqual(['no-cache', 'public, max-age=31536000, immutable']);
    expect(byCache['public, max-age=31536000, immutable'].Include).toEqual(['assets/*']);
    expect(byCache['no-cache'].Exclude).toEqual(['assets/*']);
    expect(byCache['no-cache'].DistributionPaths).toEqual(['/*']);
    for (const d of deployments) {
      expect(flatten(d.DestinationBucketName)).toBe('{import:Backchannel-dev-WebBucketName}');
    }
  });

  it('deploys a placeholder page when the web app is not built, and the build when it is', () => {
    // Prepare / Act
    const missing = webSourceDir('no/such/folder');
    const placeholder = webSourceDir(PLACEHOLDER_DIR);

    // Assess
    expect(hosted.webContent.sourceDir).toBe(PLACEHOLDER_DIR);
    expect(missing).toEqual({ dir: PLACEHOLDER_DIR, built: false });
    expect(placeholder).toEqual({ dir: PLACEHOLDER_DIR, built: true });
    expect(readFileSync(join(PLACEHOLDER_DIR, 'index.html'), 'utf8')).toContain('npm run build:web');
  });

  it('gives the deployment role write access to the web bucket only', () => {
    // Prepare
    const writes = roleStatements(hosted.templates.webContent).filter((s) =>
      actionsOf(s.statement).some(
        (a) => actionCovers(a, 's3:PutObject') || actionCovers(a, 's3:DeleteObject'),
      ),
    );

    // Act
    const targets = writes.flatMap((s) => asArray<Json>(s.statement.Resource).map(flatten));

    // Assess
    expect(writes).toHaveLength(1);
    for (const target of targets) {
      expect(target).toMatch(/^arn:\{AWS::Partition\}:s3:::\{import:Backchannel-dev-WebBucketName\}(\/\*)?$/);
    }
    expect(hosted.templates.web.toJSON().Outputs.WebBucketName.Export.Name).toBe(
      'Backchannel-dev-WebBucketName',
    );
  });

  it('passes cdk-nag without a web app URL', () => {
    // Prepare / Act
    const report = hosted.pack.validateScope(hosted.app);

    // Assess
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
  });
});
