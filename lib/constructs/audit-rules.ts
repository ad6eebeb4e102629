import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { prefix } from '../naming';
import { Group } from './group';

export interface AuditRulesProps {
  stage: string;
  topic: sns.ITopic;
  /** The sealing keys: numbers, room messages. */
  keys: kms.IKey[];
  userPool: cognito.IUserPool;
}

/**
 * Audit (docs/rules.md): the only ways an operator could reach a number (or a room message) are
 * changing a key's policy or grants, the functions' roles (us-east-1: see IamAuditStack), the functions' code or
 * configuration, the fingerprint key, or the user pool. Each is a CloudTrail event; each raises
 * an alarm. Deployments raise them too: that is intended.
 */
export class AuditRules extends Group {
  constructor(scope: Construct, id: string, props: AuditRulesProps) {
    super(scope, id);
    const { stage, topic, keys, userPool } = props;
    const rule = (ruleId: string, description: string, source: string, detail: Record<string, unknown>) =>
      new events.Rule(this, ruleId, {
        description,
        eventPattern: { source: [source], detailType: ['AWS API Call via CloudTrail'], detail },
        targets: [new targets.SnsTopic(topic)],
      });

    rule('KeyChangeRule', 'Key policy, grants or state of the number or messages key changed', 'aws.kms', {
      eventSource: ['kms.amazonaws.com'],
      eventName: ['PutKeyPolicy', 'CreateGrant', 'ScheduleKeyDeletion', 'DisableKey', 'DisableKeyRotation'],
      $or: [
        { resources: { ARN: keys.map((key) => key.keyArn) } },
        { requestParameters: { keyId: keys.flatMap((key) => [key.keyArn, key.keyId]) } },
      ],
    });
    rule('UserPoolAdminRule', 'Administrative action on the user pool', 'aws.cognito-idp', {
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
    rule(
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
    rule('SecretChangeRule', 'A secret or its resource policy changed', 'aws.secretsmanager', {
      eventSource: ['secretsmanager.amazonaws.com'],
      eventName: [
        'PutResourcePolicy',
        'DeleteResourcePolicy',
        'PutSecretValue',
        'UpdateSecret',
        'DeleteSecret',
      ],
    });
  }
}
