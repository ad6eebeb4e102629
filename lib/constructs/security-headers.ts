import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';

/** Two years: long enough for browsers to remember, the usual preload-list minimum and more. */
export const HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 60 * 60;

export interface CspSources {
  /** The API's origin (`https://<id>.execute-api.<region>.amazonaws.com` or the custom domain); unknown before the API exists. */
  apiOrigin?: string;
  /** The Cognito hosted UI (`https://<prefix>.auth.<region>.amazoncognito.com`): token, userinfo and logout endpoints. */
  authDomainUrl: string;
  /** The user pool's issuer origin (`https://cognito-idp.<region>.amazonaws.com`): OIDC discovery and keys. */
  issuerOrigin: string;
}

/**
 * The web app's Content-Security-Policy: its own code and styles only (no inline script, no
 * eval, no third party), images from itself or `data:` URLs (Vite inlines small icons), network
 * calls to itself (config.json), the API and Cognito, forms to itself and the hosted UI, and
 * no framing by anyone.
 */
export function contentSecurityPolicy(sources: CspSources): string {
  const connect = ["'self'", sources.apiOrigin, sources.authDomainUrl, sources.issuerOrigin].filter(
    (source): source is string => source !== undefined,
  );
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    `form-action 'self' ${sources.authDomainUrl}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * The policy's configuration, in the shape CloudFormation's ResponseHeadersPolicyConfig and
 * CloudFront's UpdateResponseHeadersPolicy share (one object for both: WebContentStack completes
 * the CSP of this very policy once the API exists).
 */
export function responseHeadersPolicyConfig(name: string, csp: string) {
  return {
    Name: name,
    Comment: 'Backchannel web app: CSP, HSTS, no framing, no referrer, no sniffing',
    SecurityHeadersConfig: {
      ContentSecurityPolicy: { ContentSecurityPolicy: csp, Override: true },
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
        IncludeSubdomains: true,
        Preload: false,
        Override: true,
      },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      ContentTypeOptions: { Override: true },
    },
  };
}

export type ResponseHeadersPolicyConfig = ReturnType<typeof responseHeadersPolicyConfig>;

export interface SecurityHeadersProps {
  /** Account-wide unique name of the policy (letters, digits, `-`, `_`). */
  name: string;
  csp: string;
}

/** A response headers policy with the web app's security headers, overriding whatever the origin sends. */
export class SecurityHeaders extends Construct {
  readonly policy: cloudfront.IResponseHeadersPolicy;
  readonly config: ResponseHeadersPolicyConfig;

  constructor(scope: Construct, id: string, props: SecurityHeadersProps) {
    super(scope, id);
    this.config = responseHeadersPolicyConfig(props.name, props.csp);
    const resource = new cloudfront.CfnResponseHeadersPolicy(this, 'Resource', {
      responseHeadersPolicyConfig: { name: props.name },
    });
    // The L1 props are the same structure in camelCase; writing the shared object keeps one source.
    resource.addPropertyOverride('ResponseHeadersPolicyConfig', this.config);
    this.policy = cloudfront.ResponseHeadersPolicy.fromResponseHeadersPolicyId(this, 'Policy', resource.ref);
  }
}
