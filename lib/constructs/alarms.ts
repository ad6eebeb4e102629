import { CfnOutput, Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { Group } from './group';
import type { ServiceFunction } from './service-function';

export interface AlarmsProps {
  stage: string;
  alarmEmail: string;
}

/**
 * One SNS topic for every alarm and audit notification (the alarm email confirms the
 * subscription once), the alarms themselves, and the failure queues, each alarmed at its first
 * visible message.
 */
export class Alarms extends Group {
  readonly topic: sns.Topic;
  /** Every failure queue: each has an alarm on its first visible message. */
  readonly queues: sqs.Queue[] = [];
  private readonly action: cloudwatchActions.SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Backchannel ${props.stage} alarms`,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.action = new cloudwatchActions.SnsAction(this.topic);
    acknowledge(
      this.topic,
      'AwsSolutions-SNS2',
      'Alarm and audit notifications carry metadata only (alarm states, CloudTrail envelopes), never a number; CloudWatch and EventBridge cannot publish to a topic under the AWS managed SNS key, and a dedicated key would add a second key policy to guard.',
    );
    new CfnOutput(this, 'AlarmTopicArn', { value: this.topic.topicArn });
  }

  /** An alarm at `threshold` or above over one period; missing data is not a breach. */
  alarm(id: string, metric: cloudwatch.IMetric, description: string, threshold = 1): cloudwatch.Alarm {
    const created = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    created.addAlarmAction(this.action);
    return created;
  }

  /**
   * A failure queue, created in `scope`. Failure queues only ever hold metadata (stream batch
   * coordinates, schedule and async-invocation envelopes), never a sealed number. Any message is
   * an alarm.
   */
  failureQueue(scope: Construct, id: string, description: string): sqs.Queue {
    const queue = new sqs.Queue(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      queue,
      'AwsSolutions-SQS3',
      `This queue is itself the failure destination (${description}); nothing consumes it automatically, so a DLQ behind it would never receive anything. It is alarmed at one visible message.`,
    );
    this.queues.push(queue);
    this.alarm(
      `${id}MessagesAlarm`,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      `${description}: at least one message is waiting. Inspect it, fix the cause, then redrive or delete.`,
    );
    return queue;
  }

  /** Errors (including timeouts) and throttles of each function. */
  watchFunctions(functions: readonly ServiceFunction[]): void {
    for (const fn of functions) {
      const id = fn.node.id;
      this.alarm(
        `${id}ErrorsAlarm`,
        fn.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        `${fn.name}: the function failed (error or timeout).`,
      );
      this.alarm(
        `${id}ThrottlesAlarm`,
        fn.fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        `${fn.name}: Lambda throttled invocations (account or function concurrency).`,
      );
    }
  }

  /** Stream records waiting over 5 minutes: stuck or failing batches. */
  watchStreamConsumers(functions: readonly ServiceFunction[]): void {
    for (const fn of functions) {
      this.alarm(
        `${fn.node.id}IteratorAgeAlarm`,
        fn.fn.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
        `${fn.node.id}: stream records wait over 5 minutes (stuck or failing batches).`,
        5 * 60 * 1000,
      );
    }
  }

  watchApi(httpApi: apigwv2.HttpApi): void {
    this.alarm(
      'Api5xxAlarm',
      httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      'HTTP API answered 5xx.',
    );
    // HTTP APIs publish no throttle metric: a throttled request is a 429 inside 4xx. A burst of
    // 4xx is also what scanning or a broken client looks like, so the threshold is generous.
    this.alarm(
      'Api4xxAlarm',
      httpApi.metricClientError({ period: Duration.minutes(5), statistic: 'Sum' }),
      'HTTP API answered over 500 4xx responses in 5 minutes (throttling at the stage limit, a broken client, or probing).',
      500,
    );
  }
}
