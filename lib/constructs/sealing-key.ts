import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * Everything the account may do with a sealing key except use it: CloudFormation and operators
 * can manage, rotate and delete the key (`kms:PutKeyPolicy` keeps it manageable and is alarmed),
 * but there is no kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey* or kms:CreateGrant (a grant
 * would bypass the policy).
 */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:UpdateAlias',
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:RotateKeyOnDemand',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
];

export interface SealingKeyProps {
  isDev: boolean;
  description: string;
  alias: string;
  /** The key policy's use statements, after the administration statement. */
  uses: iam.PolicyStatement[];
}

/**
 * A customer managed key with a written-out key policy instead of CDK's default, which gives the
 * account root `kms:*` and so lets any IAM policy in the account grant use of the key. Rotation
 * on; retained outside dev, with the longest deletion window.
 */
export function sealingKey(scope: Construct, id: string, props: SealingKeyProps): kms.Key {
  const key = new kms.Key(scope, id, {
    description: props.description,
    enableKeyRotation: true,
    removalPolicy: props.isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    pendingWindow: Duration.days(props.isDev ? 7 : 30),
    policy: new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'KeyAdministrationWithoutUse',
          principals: [new iam.AccountRootPrincipal()],
          actions: KEY_ADMINISTRATION_ACTIONS,
          resources: ['*'],
        }),
        ...props.uses,
      ],
    }),
  });
  key.addAlias(props.alias);
  return key;
}
