import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Group, logicalIdWithoutGroups } from '../../lib/constructs/group';
import { resources, SYNTH_TIMEOUT_MS, type Synthesized, synth } from './support/synth';

class GroupedStack extends Stack {
  protected override allocateLogicalId(element: CfnElement): string {
    return logicalIdWithoutGroups(element);
  }
}

/** A queue with a policy (a child of a child) and a queue below it. */
function queues(scope: Construct) {
  const queue = new sqs.Queue(scope, 'Failures', { enforceSSL: true });
  new sqs.Queue(queue, 'Retries');
}

let dev: Synthesized;

beforeAll(() => {
  dev = synth('dev');
}, SYNTH_TIMEOUT_MS);

describe('logical IDs', () => {
  it('are those CDK gives the same resources without the groups around them', () => {
    // Prepare
    const app = new App();
    const flat = new Stack(app, 'Flat');
    queues(flat);
    const grouped = new GroupedStack(app, 'Grouped');
    queues(new Group(new Group(grouped, 'Outer'), 'Inner'));

    // Act
    const ids = (stack: Stack) => Object.keys(Template.fromStack(stack).toJSON().Resources).sort();

    // Assess
    expect(ids(grouped)).toEqual(ids(flat));
    expect(ids(flat)).toHaveLength(3);
  });

  it('keep every named resource of the stateless stack where the first deployment put it', () => {
    // Prepare: a new logical ID for a resource with a fixed name would make CloudFormation create
    // a second one under that name before deleting the first, and fail.
    const named = [
      'ApiFunction6BF808ED',
      'SubmitNumberFunction066FFF5E',
      'OwnNumberFunctionEE335657',
      'MatchFunction5A1A4005',
      'NotifyFunction3392CA4F',
      'PhaseTimerFunction1441CEF5',
      'ReconcilerFunction0432B6FF',
      'ApiRoleDE7A08EC',
      'SubmitNumberRole7C6C560E',
      'OwnNumberRoleDF1476EF',
      'MatchRole49E9136A',
      'NotifyRole4E90EFC9',
      'PhaseTimerRole2A3C3DC2',
      'ReconcilerRoleCBECF38E',
      'SchedulerRole59E73443',
      'ScheduleGroup',
      'EmailConfigurationSet096C0FB5',
      'SenderIdentity5AECAF6F',
      'HttpApiF5A9A8A7',
      'DefaultStageEE28A986',
    ];

    // Act
    const ids = new Set(resources(dev.templates.stateless).map(([id]) => id));

    // Assess
    expect(named.filter((id) => !ids.has(id))).toEqual([]);
  });
});
