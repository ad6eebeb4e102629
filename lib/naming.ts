import { ArnFormat, Aws, type Stack } from 'aws-cdk-lib';

/**
 * Names shared by the stacks. Roles and functions get fixed names because other stacks must
 * refer to them without a CloudFormation reference: the key policy and the secrets' resource
 * policies (stateful stack) name the roles allowed to decrypt or read, and the IAM audit rule
 * (us-east-1) matches CloudTrail events by role-name prefix. A reference would be a cycle
 * (stateless → stateful → stateless) or cross a region. What each function does and may do:
 * lib/function-settings.ts.
 */
export const FUNCTION_NAMES = [
  'api',
  'submit-number',
  'own-number',
  'match',
  'notify',
  'phase-timer',
  'reconciler',
  'rooms',
  'calendar',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** `Backchannel-<stage>`: the prefix of every stack, role and function name of a stage. */
export function prefix(stage: string): string {
  return `Backchannel-${stage}`;
}

export function stackNames(stage: string) {
  return {
    stateful: `${prefix(stage)}-Stateful`,
    stateless: `${prefix(stage)}-Stateless`,
    iamAudit: `${prefix(stage)}-IamAudit`,
    web: `${prefix(stage)}-Web`,
    webContent: `${prefix(stage)}-WebContent`,
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

/**
 * The Cognito hosted-UI domain prefix: `authDomainPrefix` context, or `backchannel-<stage>-<account>`
 * (prefixes are global, so the account keeps stages of different accounts apart).
 */
export function authDomainPrefix(stage: string, account: string, configured?: string): string {
  return configured ?? `backchannel-${stage}-${account}`;
}

/** The hosted UI's base URL (the OAuth authorize, token and logout endpoints live under it). */
export function authDomainUrl(domainPrefix: string, region: string): string {
  return `https://${domainPrefix}.auth.${region}.amazoncognito.com`;
}

/** The export of the web bucket's name (WebStack), imported by WebContentStack. */
export function webBucketExportName(stage: string): string {
  return `${prefix(stage)}-WebBucketName`;
}
