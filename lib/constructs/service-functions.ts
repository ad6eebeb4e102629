import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ROOM_NAMES } from '../../shared/engine/rooms';
import { TABLE } from '../../shared/table/definition';
import { type EnvVar, FUNCTION_SETTINGS, type SecretName } from '../function-settings';
import { acknowledge } from '../nag';
import { FUNCTION_NAMES, type FunctionName } from '../naming';
import { ServiceFunction } from './service-function';

/** KMS calls must carry exactly the encryption context of a sealed number: {sessionId, side, seq}. */
export const SEAL_CONTEXT_CONDITIONS = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['sessionId', 'side', 'seq'] },
  Null: { 'kms:EncryptionContextKeys': 'false' },
  StringEquals: { 'kms:EncryptionContext:side': ['claimant', 'respondent'] },
  StringLike: { 'kms:EncryptionContext:sessionId': '?*', 'kms:EncryptionContext:seq': '?*' },
};

/**
 * KMS calls for a side's answer to a proposal must carry exactly an answer's context:
 * {sessionId, side, proposal, kind: answer}. A number's context has no `kind`, so a role holding
 * only this statement can never open a number.
 */
export const ANSWER_CONTEXT_CONDITIONS = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['sessionId', 'side', 'proposal', 'kind'] },
  Null: { 'kms:EncryptionContextKeys': 'false' },
  StringEquals: {
    'kms:EncryptionContext:side': ['claimant', 'respondent'],
    'kms:EncryptionContext:kind': 'answer',
  },
  StringLike: { 'kms:EncryptionContext:sessionId': '?*', 'kms:EncryptionContext:proposal': '?*' },
};

/** The rooms of a session (docs/rules.md, openapi.yaml): the only values `room` may take. */
export const ROOMS = [...ROOM_NAMES];

/** KMS calls on the messages key must carry exactly a room's encryption context: {sessionId, room}. */
export const ROOM_CONTEXT_CONDITIONS = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['sessionId', 'room'] },
  Null: { 'kms:EncryptionContextKeys': 'false' },
  StringEquals: { 'kms:EncryptionContext:room': ROOMS },
  StringLike: { 'kms:EncryptionContext:sessionId': '?*' },
};

export interface ServiceFunctionsProps {
  stage: string;
  isDev: boolean;
  table: dynamodb.ITable;
  numberKey: kms.IKey;
  messagesKey: kms.IKey;
  secrets: Record<SecretName, secretsmanager.ISecret>;
  /** The value of every variable a function's settings may ask for. */
  environment: Record<EnvVar, string>;
}

/**
 * Every function of FUNCTION_SETTINGS with what its record grants on the table, the number and
 * messages keys and the secrets. Scheduler and SES permissions come from the constructs that own those
 * resources (Timers, Email). The functions are direct children of `scope`: their logical IDs, and
 * the ids CDK derives from their paths (event rule permissions), stay those of the first deploy.
 */
export function createServiceFunctions(
  scope: Construct,
  props: ServiceFunctionsProps,
): Record<FunctionName, ServiceFunction> {
  const { table, numberKey, messagesKey } = props;
  const entries = FUNCTION_NAMES.map((name) => {
    const settings = FUNCTION_SETTINGS[name];
    const fn = new ServiceFunction(scope, settings.id, {
      stage: props.stage,
      isDev: props.isDev,
      name,
      settings,
      environment: {
        TABLE_NAME: table.tableName,
        ...Object.fromEntries(settings.environment.map((key) => [key, props.environment[key]])),
      },
    });

    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'Table',
        actions: settings.table.actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
      }),
    );
    if (settings.table.indexes.length > 0) {
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'TableIndexes',
          actions: ['dynamodb:Query'],
          resources: settings.table.indexes.map(
            (index) => `${table.tableArn}/index/${TABLE.indexes[index].name}`,
          ),
        }),
      );
    }
    if (settings.numberKey !== undefined) {
      const encrypt = settings.numberKey === 'encrypt';
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: encrypt ? 'SealNumbers' : 'OpenNumbers',
          actions: [encrypt ? 'kms:Encrypt' : 'kms:Decrypt'],
          resources: [numberKey.keyArn],
          conditions: SEAL_CONTEXT_CONDITIONS,
        }),
      );
    }
    if (settings.answers !== undefined) {
      const seal = settings.answers === 'seal';
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: seal ? 'SealAnswers' : 'OpenAnswers',
          actions: [seal ? 'kms:Encrypt' : 'kms:Decrypt'],
          resources: [numberKey.keyArn],
          conditions: ANSWER_CONTEXT_CONDITIONS,
        }),
      );
    }
    if (settings.messagesKey === 'envelope') {
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'SealAndOpenMessages',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [messagesKey.keyArn],
          conditions: ROOM_CONTEXT_CONDITIONS,
        }),
      );
    }
    // Each secret's resource policy (stateful stack) denies every role its settings do not name.
    for (const secret of settings.secrets ?? []) props.secrets[secret].grantRead(fn.role);

    acknowledge(
      fn.fn,
      'AwsSolutions-L1',
      'docs/deploy.md pins Node.js 22 (the code also runs on Node 20 locally); moving to a newer runtime is a deliberate upgrade, not a default.',
    );
    return [name, fn] as const;
  });
  return Object.fromEntries(entries) as Record<FunctionName, ServiceFunction>;
}
