import { ArnFormat, Aws, type Stack } from 'aws-cdk-lib';

/**
 * Names shared by the stacks. Roles and functions get fixed names because other stacks must
 * refer to them without a CloudFormation reference: the key policy and the secrets' resource
 * policies (stateful stack) name the roles allowed to decrypt or read, and the IAM audit rule
 * (us-east-1) matches CloudTrail events by role-name prefix. A reference would be a cycle
 * (stateless → stateful → stateless) or cross a region.
 */
export const FUNCTION_NAMES = [
  'api',
  'submit-number',
  'own-number',
  'match',
  'notify',
  'phase-timer',
  'reconciler',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * The roles that may read the fingerprint (HMAC) key: api and submit-number fingerprint
 * mutating requests. Named here because the secret's resource policy (stateful stack) and the
 * grants (stateless stack) must agree.
 */
export const FINGERPRINT_KEY_READERS = ['api', 'submit-number'] as const satisfies readonly FunctionName[];

/**
 * The roles that may read the invitation key: api derives a token's hash when it invites, notify
 * derives the token for the email. A secret apart from the fingerprint key, so notify (which
 * reads the table) cannot brute-force the fingerprints of `PUT /number` bodies.
 */
export const INVITATION_KEY_READERS = ['api', 'notify'] as const satisfies readonly FunctionName[];

/** `Backchannel-<stage>`: the prefix of every stack, role and function name of a stage. */
export function prefix(stage: string): string {
  return `Backchannel-${stage}`;
}

export function stackNames(stage: string) {
  return {
    stateful: `${prefix(stage)}-Stateful`,
    stateless: `${prefix(stage)}-Stateless`,
    iamAudit: `${prefix(stage)}-IamAudit`,
  };
}

/** Lambda function names are regional: the stage keeps two stages in one account apart. */
export function functionName(stage: string, fn: FunctionName): string {
  return `${prefix(stage)}-${fn}`;
}

/**
 * IAM role names are global to the account, so the region is part of the name: the same stage
 * may be deployed to two regions. Longest: Backchannel-<10>-submit-number-ap-southeast-2 (51).
 */
export function roleName(stage: string, role: FunctionName | 'scheduler'): string {
  return `${prefix(stage)}-${role}-${Aws.REGION}`;
}

export function roleArn(stack: Stack, stage: string, role: FunctionName | 'scheduler'): string {
  return stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: roleName(stage, role),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/** The EventBridge Scheduler group that holds every one-time phase timer of the stage. */
export function scheduleGroupName(stage: string): string {
  return `backchannel-${stage}`;
}

export function sesConfigurationSetName(stage: string): string {
  return `backchannel-${stage}`;
}
