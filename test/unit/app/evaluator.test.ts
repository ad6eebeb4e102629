import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoSessionStore as SessionStore } from '../../../shared/adapters/dynamodb/session-store';
import { KmsSealer } from '../../../shared/adapters/kms-sealer';
import { encodeAmount } from '../../../shared/adapters/sealed-plaintext';
import { Evaluator } from '../../../shared/app/evaluator';
import { seededRandom } from '../../../shared/engine/seeded-random';
import { toItem } from '../../../shared/table/session-item';
import { sessionWith, T0 } from '../../support/fixtures/session-record';

const ddb = mockClient(DynamoDBDocumentClient);
const kms = mockClient(KMSClient);
const KEY_ID = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ID = 'c2Vzc2lvbi1pZC0tX18tMDE';
const LOW = 7391846250193n;
const HIGH = 8204417730519n;
const NOW = T0 + 60_000;

function evaluator() {
  return new Evaluator({
    store: new SessionStore(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
      'table',
    ),
    sealer: new KmsSealer({ client: new KMSClient({ region: 'eu-west-1' }), keyId: KEY_ID }),
    random: seededRandom(1),
    clock: () => NOW,
  });
}

function amounts(bySeq: Record<number, bigint>) {
  for (const [seq, amount] of Object.entries(bySeq)) {
    kms
      .on(DecryptCommand, { EncryptionContext: { seq } })
      .resolves({ Plaintext: encodeAmount(amount), KeyId: KEY_ID });
  }
}

const transactItems = () =>
  ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems ?? []);

describe('Evaluator (match) with KMS', () => {
  beforeEach(() => {
    ddb.reset();
    kms.reset();
    ddb.on(TransactWriteCommand).resolves({});
  });

  it('opens each sealed number once under its own context and records the deal in one conditional write', async () => {
    const record = sessionWith(ID, [
      { side: 'claimant', at: T0 + 1000 },
      { side: 'respondent', at: T0 + 2000 },
    ]);
    ddb.on(GetCommand).resolves({ Item: toItem(record, { matchDue: true }) });
    amounts({ 1: LOW, 2: HIGH });

    const result = await evaluator().evaluate(ID);
    expect(result).toMatchObject({ evaluated: 2, committed: true });
    expect(result.events).toEqual(['MoveEvaluated', 'MoveEvaluated', 'Settled']);

    // Seq 1 (claimant) and seq 2 (respondent); seq 1 is needed twice but opened once.
    expect(kms).toReceiveCommandTimes(DecryptCommand, 2);
    expect(kms).toReceiveCommandWith(DecryptCommand, {
      KeyId: KEY_ID,
      CiphertextBlob: record.sealed['1'],
      EncryptionContext: { sessionId: ID, side: 'claimant', seq: '1' },
    });
    expect(kms).toReceiveCommandWith(DecryptCommand, {
      KeyId: KEY_ID,
      CiphertextBlob: record.sealed['2'],
      EncryptionContext: { sessionId: ID, side: 'respondent', seq: '2' },
    });

    const [items] = transactItems();
    const sessionPut = items![0]!.Put!;
    expect(sessionPut.ConditionExpression).toBe('rev = :rev');
    expect(sessionPut.ExpressionAttributeValues).toEqual({ ':rev': 7 });
    expect(sessionPut.Item).not.toHaveProperty('matchDue'); // match never triggers itself
    expect(sessionPut.Item!.rev).toBe(8);
    expect(sessionPut.Item!.evaluatedSeq).toBe(2);
    expect(sessionPut.Item!.sealed).toEqual({}); // ended: numbers deleted
    const outcome = sessionPut.Item!.outcome as { amount: string; bonusSide: null; reachedIn: string };
    expect(BigInt(outcome.amount)).toBeGreaterThanOrEqual(LOW);
    expect(BigInt(outcome.amount)).toBeLessThanOrEqual(HIGH);
    expect(outcome).toMatchObject({ bonusSide: null, reachedIn: 'initial_round', settledAt: T0 + 2000 }); // the deciding number's acceptance, not the evaluation

    // Audit and outbox records never hold a submitted number.
    const rest = JSON.stringify(items!.slice(1));
    for (const n of [LOW, HIGH]) expect(rest).not.toContain(n.toString());
    expect(items!.some((i) => i.Put?.Item?.sk === 'OUTBOX#settled')).toBe(true);
  });

  it('retries from a fresh read on a conflict, without opening a number twice', async () => {
    const record = sessionWith(ID, [
      { side: 'claimant', at: T0 + 1000 },
      { side: 'respondent', at: T0 + 2000 },
    ]);
    ddb.on(GetCommand).resolves({ Item: toItem(record, { matchDue: true }) });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
        }),
      )
      .resolves({});
    amounts({ 1: HIGH, 2: LOW });

    const result = await evaluator().evaluate(ID);
    expect(result.events).toContain('AdjustmentOpened'); // no overlap: step 3
    expect(ddb).toReceiveCommandTimes(GetCommand, 2);
    expect(ddb).toReceiveCommandTimes(TransactWriteCommand, 2);
    expect(kms).toReceiveCommandTimes(DecryptCommand, 2);
  });

  it('a duplicate record finds nothing to do: no decrypt, no write', async () => {
    const record = sessionWith(ID, []);
    ddb.on(GetCommand).resolves({ Item: toItem(record) });
    expect(await evaluator().evaluate(ID)).toEqual({ evaluated: 0, committed: false, events: [] });
    expect(kms).not.toReceiveCommand(DecryptCommand);
    expect(ddb).not.toReceiveCommand(TransactWriteCommand);
  });

  it('an unknown session is a no-op', async () => {
    ddb.on(GetCommand).resolves({});
    expect((await evaluator().evaluate(ID)).committed).toBe(false);
  });

  it('a missing sealed number fails loudly without naming an amount', async () => {
    // A lone number is never opened (nothing to compare); the pair's first open finds nothing.
    const record = sessionWith(ID, [
      { side: 'claimant', at: T0 + 1000 },
      { side: 'respondent', at: T0 + 2000 },
    ]);
    ddb.on(GetCommand).resolves({ Item: toItem({ ...record, sealed: {} }, { matchDue: true }) });
    await expect(evaluator().evaluate(ID)).rejects.toThrow(/seq 1/);
    expect(ddb).not.toReceiveCommand(TransactWriteCommand);
  });
});
