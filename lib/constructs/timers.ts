import { CfnOutput, Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { roleName, scheduleGroupName } from '../naming';
import type { Alarms } from './alarms';
import { Group } from './group';
import type { ServiceFunction } from './service-function';

export interface TimersProps {
  stage: string;
  alarms: Alarms;
}

/**
 * Everything that runs a function later or on a clock: the stage's EventBridge Scheduler group
 * for one-time phase timers, the role Scheduler assumes (it can only invoke phase-timer), the
 * dead-letter queue of undeliverable timers, the failure queue of asynchronous invocations and
 * the reconciler's rate rule.
 */
export class Timers extends Group {
  readonly scheduleGroupName: string;
  readonly scheduleGroup: scheduler.CfnScheduleGroup;
  readonly schedulerRole: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly asyncFailureQueue: sqs.Queue;
  private readonly stage: string;

  constructor(scope: Construct, id: string, props: TimersProps) {
    super(scope, id);
    const { stage, alarms } = props;
    this.stage = stage;
    this.scheduleGroupName = scheduleGroupName(stage);
    this.scheduleGroup = new scheduler.CfnScheduleGroup(this, 'ScheduleGroup', {
      name: this.scheduleGroupName,
    });
    this.deadLetterQueue = alarms.failureQueue(
      this,
      'SchedulerDeadLetterQueue',
      'phase timers Scheduler could not deliver',
    );
    this.asyncFailureQueue = alarms.failureQueue(
      this,
      'AsyncInvokeFailureQueue',
      'phase-timer and reconciler invocations that failed every retry',
    );
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      roleName: roleName(stage, 'scheduler'),
      description: `Backchannel ${stage}: EventBridge Scheduler invokes phase-timer`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        ArnEquals: { 'aws:SourceArn': this.scheduleGroup.attrArn },
      }),
    });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.scheduleGroupName });
  }

  /** The ARN pattern of every schedule in the stage's group. */
  get scheduleArns(): string {
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroupName}/*`,
    });
  }

  /**
   * Lets Scheduler invoke `target` (and nothing else) and deliver dead letters; lets the
   * functions whose settings say so create and delete timers and pass the Scheduler role (to
   * Scheduler only); sends failed asynchronous invocations to the failure queue; runs the
   * functions with a rate on their clock.
   */
  connect(target: ServiceFunction, functions: readonly ServiceFunction[]): void {
    this.schedulerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokePhaseTimerOnly',
        actions: ['lambda:InvokeFunction'],
        resources: [target.fn.functionArn],
      }),
    );
    this.schedulerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // Scheduler delivers dead letters with the schedule's execution role.
        sid: 'DeliverDeadLetters',
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );
    const stack = Stack.of(this);
    // cdk-nag names a finding by the rendered ARN: a known region or account appears literally.
    const nagRegion = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const nagAccount = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;

    for (const fn of functions) {
      if (fn.settings.schedulesTimers) {
        fn.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            sid: 'PhaseTimers',
            actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
            resources: [this.scheduleArns],
          }),
        );
        fn.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            sid: 'PassSchedulerRole',
            actions: ['iam:PassRole'],
            resources: [this.schedulerRole.roleArn],
            conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
          }),
        );
        acknowledge(
          fn.role,
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:${nagRegion}:${nagAccount}:schedule/${this.scheduleGroupName}/*]`,
          "Phase timers are one-time schedules created at run time with deterministic names; access is limited to the stage's own schedule group.",
        );
      }
      // Scheduler → phase-timer, EventBridge → reconciler.
      if (fn.settings.invokedAsync) {
        fn.fn.configureAsyncInvoke({
          retryAttempts: 2,
          maxEventAge: Duration.hours(6),
          onFailure: new destinations.SqsDestination(this.asyncFailureQueue),
        });
      }
      if (fn.settings.everyMinutes !== undefined) {
        new events.Rule(this, `${fn.node.id}Schedule`, {
          description: `Backchannel ${this.stage}: run the ${fn.name}`,
          schedule: events.Schedule.rate(Duration.minutes(fn.settings.everyMinutes)),
          targets: [
            new targets.LambdaFunction(fn.fn, {
              retryAttempts: 2,
              maxEventAge: Duration.minutes(fn.settings.everyMinutes),
            }),
          ],
        });
      }
    }
  }
}
