import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { STREAM_FILTERS } from '../../shared/table/definition';
import { acknowledge } from '../nag';
import type { Alarms } from './alarms';
import { Group } from './group';
import type { ServiceFunction } from './service-function';

export interface StreamConsumersProps {
  table: dynamodb.ITable;
  alarms: Alarms;
  /** Every function; those whose settings name stream filters become consumers. */
  functions: readonly ServiceFunction[];
}

/**
 * The table's stream consumers (docs/deploy.md). Records of one item stay in order on their shard; a bad
 * record is isolated by bisecting and reported alone; after bounded retries or an hour its
 * coordinates go to the consumer's failure queue (alarmed) and the reconciler repairs the session.
 */
export class StreamConsumers extends Group {
  readonly consumers: ServiceFunction[];

  constructor(scope: Construct, id: string, props: StreamConsumersProps) {
    super(scope, id);
    this.consumers = props.functions.filter((fn) => fn.settings.stream !== undefined);
    for (const fn of this.consumers) {
      const { filters, batchSize } = fn.settings.stream!;
      const failures = props.alarms.failureQueue(
        this,
        `${fn.node.id}FailureQueue`,
        `stream records ${fn.name} gave up on`,
      );
      fn.fn.addEventSource(
        new DynamoEventSource(props.table, {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          retryAttempts: 5,
          maxRecordAge: Duration.hours(1),
          parallelizationFactor: 1,
          onFailure: new SqsDlq(failures),
          filters: STREAM_FILTERS[filters].map((pattern) => lambda.FilterCriteria.filter(pattern)),
        }),
      );
      acknowledge(
        fn.role,
        'AwsSolutions-IAM5[Resource::*]',
        'dynamodb:ListStreams has no resource-level permissions (added by the stream event source); the stream read actions themselves are scoped to the table stream.',
      );
    }
  }
}
