import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config';
import { acknowledge } from '../nag';
import { prefix } from '../naming';

export interface IamAuditStackProps extends StackProps {
  config: AppConfig;
}

/**
 * IAM is a global service: its CloudTrail events reach EventBridge in us-east-1 only, whatever
 * region the service runs in. This stack therefore lives in us-east-1 and alarms on every change
 * to a role of the stage (function roles and the Scheduler role are all named
 * `Backchannel-<stage>-…`): new or changed policies, attached managed policies, trust policies,
 * permission boundaries, creation and deletion. Changing the match or own-number role (or its
 * trust, to assume it) is one of the ways an operator could reach a number (docs/rules.md).
 */
export class IamAuditStack extends Stack {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: IamAuditStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.topic = new sns.Topic(this, 'IamAuditTopic', {
      displayName: `Backchannel ${config.stage} IAM changes`,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));

    new events.Rule(this, 'RoleChangeRule', {
      description: `A role of Backchannel ${config.stage} was created, changed or deleted`,
      eventPattern: {
        source: ['aws.iam'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['iam.amazonaws.com'],
          eventName: [
            'PutRolePolicy',
            'DeleteRolePolicy',
            'AttachRolePolicy',
            'DetachRolePolicy',
            'UpdateAssumeRolePolicy',
            'PutRolePermissionsBoundary',
            'DeleteRolePermissionsBoundary',
            'CreateRole',
            'DeleteRole',
            'UpdateRole',
          ],
          requestParameters: { roleName: [{ prefix: `${prefix(config.stage)}-` }] },
        },
      },
      targets: [new targets.SnsTopic(this.topic)],
    });

    acknowledge(
      this.topic,
      'AwsSolutions-SNS2',
      'Notifications carry CloudTrail envelopes of IAM changes only, never a number; EventBridge cannot publish to a topic under the AWS managed SNS key.',
    );
    new CfnOutput(this, 'IamAuditTopicArn', { value: this.topic.topicArn });
  }
}
