import { createHash } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { ResponseHeadersPolicyConfig } from './security-headers';

export interface CspCompletionProps {
  /** The response headers policy to update (it lives in the web stack, deployed before the API). */
  policyId: string;
  /** Its configuration with the API's origin in the CSP. */
  config: ResponseHeadersPolicyConfig;
  /** The API's origin: a deploy-time value, so it is part of what makes the update run again. */
  apiOrigin: string;
}

/**
 * Writes the API's origin into the web app's CSP once the API exists. The distribution (and so
 * its response headers policy) is deployed before the API, because the API's CORS origin, the
 * user pool client's callback URLs and the email links are the distribution's URL; the CSP in
 * turn names the API, whose URL is only known after it is created. This is the one value that
 * flows backwards, and these two SDK calls carry it: read the policy's current ETag, then update
 * the policy with the complete configuration (CloudFront requires the ETag).
 *
 * Both calls run again whenever the configuration or the API's origin changes: the read is keyed
 * on them, so its ETag is fresh for the update that follows. If the web stack itself updates
 * the policy, its configuration changed, so these run again later in the same `cdk deploy --all`.
 */
export class CspCompletion extends Construct {
  readonly update: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: CspCompletionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const policyArn = stack.formatArn({
      service: 'cloudfront',
      region: '',
      resource: 'response-headers-policy',
      resourceName: props.policyId,
    });
    const policy = (action: string) =>
      cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: [`cloudfront:${action}`], resources: [policyArn] }),
      ]);
    // The configuration as CloudFormation will render it (intrinsics, not values): a change of its
    // shape or of any literal changes the hash; deploy-time values are in the key themselves.
    const shape = createHash('sha256')
      .update(JSON.stringify(stack.resolve(props.config)))
      .digest('hex');

    const read = new cr.AwsCustomResource(this, 'ReadPolicy', {
      onUpdate: {
        service: 'CloudFront',
        action: 'getResponseHeadersPolicyConfig',
        parameters: { Id: props.policyId },
        outputPaths: ['ETag'],
        physicalResourceId: cr.PhysicalResourceId.of(
          `${props.policyId} ${props.apiOrigin} ${shape.slice(0, 16)}`,
        ),
      },
      policy: policy('GetResponseHeadersPolicyConfig'),
      installLatestAwsSdk: false,
    });
    this.update = new cr.AwsCustomResource(this, 'UpdatePolicy', {
      onUpdate: {
        service: 'CloudFront',
        action: 'updateResponseHeadersPolicy',
        parameters: {
          Id: props.policyId,
          IfMatch: read.getResponseField('ETag'),
          ResponseHeadersPolicyConfig: props.config,
        },
        outputPaths: ['ETag'],
        physicalResourceId: cr.PhysicalResourceId.of(props.policyId),
      },
      policy: policy('UpdateResponseHeadersPolicy'),
      installLatestAwsSdk: false,
    });
  }
}
