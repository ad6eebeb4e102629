/**
 * How accepting a number calls AWS (openapi.yaml and docs/rules.md): one KMS Encrypt with the encryption context
 * {sessionId, side, seq} and the key id, then one TransactWriteItems — the session item
 * conditional on its revision and carrying the match marker, an audit entry without any amount,
 * and the idempotency record conditional on its lease. Reading one's own number: one Decrypt
 * under the seq the number was sealed with.
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoSessionStore } from '../../../../shared/adapters/dynamodb/session-store';
import { KmsSealer } from '../../../../shared/adapters/kms-sealer';
import { encodeAmount } from '../../../../shared/adapters/sealed-plaintext';
import { type NumberAccepted, readOwnNumber, submitNumber } from '../../../../shared/app/sessions/numbers';
import type { Receipt } from '../../../../shared/ports';
import { toItem } from '../../../../shared/table/session-item';
import { sessionWith, T0 } from '../../../support/fixtures/session-record';

const ddb = mockClient(DynamoDBDocumentClient);
const kms = mockClient(KMSClient);
const KEY_ID = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ID = 'c2Vzc2lvbi1pZC0tX18tMDE';
const AMOUNT = 7391846250193;
const NOW = T0 + 60_000;
const CIPHERTEXT = new Uint8Array(170).fill(9);

const deps = () => ({
  store: new DynamoSessionStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
    'table',
  ),
  clock: () => NOW,
  sealer: new KmsSealer({ client: new KMSClient({ region: 'eu-west-1' }), keyId: KEY_ID }),
});

const submit = (email: string, raw: unknown, receipt?: Receipt<NumberAccepted>) =>
  submitNumber(deps(), { caller: { email }, sessionId: ID, input: () => raw as { amount: number } }, receipt);

/** An idempotency receipt as shared/http makes one: a conditional put in the change's transaction. */
const receipt: Receipt<NumberAccepted> = {
  with: (result) => ({
    atomicWrite: {
      Put: {
        TableName: 'table',
        Item: { pk: 'IDEMPOTENCY#x', sk: 'IDEMPOTENCY', response: JSON.stringify(result) },
        ConditionExpression: 'leaseId = :lease',
        ExpressionAttributeValues: { ':lease': 'lease-1' },
      },
    },
  }),
  alone: async () => undefined,
};

describe('submitNumber with KMS and DynamoDB', () => {
  beforeEach(() => {
    ddb.reset();
    kms.reset();
  });

  it('seals under {sessionId, side, seq} and commits one transaction conditional on the revision', async () => {
    // Prepare: the claimant's number is standing (seq 1); the respondent submits seq 2.
    const record = sessionWith(ID, [{ side: 'claimant', at: T0 + 1000 }]);
    ddb.on(GetCommand).resolves({ Item: toItem(record) });
    ddb.on(TransactWriteCommand).resolves({});
    // The sealer wipes its plaintext buffer after the call: capture it while KMS "has" it.
    const plaintexts: Uint8Array[] = [];
    kms.on(EncryptCommand).callsFake((input: { Plaintext: Uint8Array }) => {
      plaintexts.push(Uint8Array.from(input.Plaintext));
      return { CiphertextBlob: CIPHERTEXT, KeyId: KEY_ID };
    });

    // Act
    const response = await submit('bob@example.com', { amount: AMOUNT }, receipt);

    // Assess
    expect(response).toEqual({ accepted: true, submittedAt: '2026-03-01T10:01:00Z' });
    expect(kms).toHaveReceivedCommandTimes(EncryptCommand, 1);
    expect(kms).toHaveReceivedCommandWith(EncryptCommand, {
      KeyId: KEY_ID,
      EncryptionContext: { sessionId: ID, side: 'respondent', seq: '2' },
    });
    expect(plaintexts).toEqual([encodeAmount(BigInt(AMOUNT))]);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    const [session, ...rest] = items;
    expect(session!.Put).toMatchObject({
      TableName: 'table',
      ConditionExpression: 'rev = :rev',
      ExpressionAttributeValues: { ':rev': 7 },
      Item: { pk: `SESSION#${ID}`, sk: 'SESSION', rev: 8, seq: 2, matchDue: 1 },
    });
    expect(session!.Put!.Item!.sealed).toEqual({ '1': record.sealed['1'], '2': CIPHERTEXT });
    const audit = rest.filter((i) => i.Put?.Item?.type === 'audit');
    expect(audit).toEqual([
      expect.objectContaining({
        Put: expect.objectContaining({
          ConditionExpression: 'attribute_not_exists(pk)',
          Item: expect.objectContaining({ event: 'NumberAccepted', side: 'respondent', seq: 2 }),
        }),
      }),
    ]);
    expect(rest.at(-1)!.Put).toMatchObject({ ConditionExpression: 'leaseId = :lease' });
    // No plaintext amount anywhere in the transaction, in any formatting.
    const written = JSON.stringify(items, (_k, v) => (v instanceof Uint8Array ? '<bytes>' : v));
    for (const form of [String(AMOUNT), '7,391,846,250,193', '73918462501.93', '73,918,462,501.93']) {
      expect(written).not.toContain(form);
    }
  });

  it('on a write conflict, re-reads and seals again under the new seq', async () => {
    // Prepare: the first transaction loses a race; meanwhile the claimant moved again (seq 2).
    const before = sessionWith(ID, [{ side: 'claimant', at: T0 + 1000 }]);
    const after = sessionWith(ID, [
      { side: 'claimant', at: T0 + 1000 },
      { side: 'claimant', at: T0 + 2000 },
    ]);
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: toItem(before) })
      .resolves({ Item: toItem({ ...after, rev: 8 }) });
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
    kms.on(EncryptCommand).resolves({ CiphertextBlob: CIPHERTEXT, KeyId: KEY_ID });

    // Act
    const response = await submit('bob@example.com', { amount: 1000 });

    // Assess
    expect(response.accepted).toBe(true);
    expect(kms).toHaveReceivedNthCommandWith(EncryptCommand, 1, {
      EncryptionContext: { sessionId: ID, side: 'respondent', seq: '2' },
    });
    expect(kms).toHaveReceivedNthCommandWith(EncryptCommand, 2, {
      EncryptionContext: { sessionId: ID, side: 'respondent', seq: '3' },
    });
    const last = ddb.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems![0]!.Put!;
    expect(last).toMatchObject({ ExpressionAttributeValues: { ':rev': 8 }, Item: { seq: 3 } });
  });
});

describe('readOwnNumber with KMS', () => {
  beforeEach(() => {
    ddb.reset();
    kms.reset();
  });

  it('decrypts only the caller side’s latest number under the seq it was sealed with', async () => {
    // Prepare
    const record = sessionWith(ID, [
      { side: 'claimant', at: T0 + 1000 },
      { side: 'respondent', at: T0 + 2000 },
      { side: 'claimant', at: T0 + 3000 },
    ]);
    ddb.on(GetCommand).resolves({ Item: toItem(record) });
    kms.on(DecryptCommand).resolves({ Plaintext: encodeAmount(BigInt(AMOUNT)), KeyId: KEY_ID });

    // Act
    const response = await readOwnNumber(deps(), { email: 'alice@example.com' }, ID);

    // Assess
    expect(response).toEqual({ amount: AMOUNT, submittedAt: '2026-03-01T10:00:03Z' });
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 1);
    expect(kms).toHaveReceivedCommandWith(DecryptCommand, {
      KeyId: KEY_ID,
      CiphertextBlob: record.sealed['3'],
      EncryptionContext: { sessionId: ID, side: 'claimant', seq: '3' },
    });
  });

  it('never decrypts for the mediator or an outsider', async () => {
    // Prepare
    const record = sessionWith(ID, [{ side: 'claimant', at: T0 + 1000 }]);
    record.members.push({ email: 'med@example.com', role: 'mediator', joinedAt: T0 });
    ddb.on(GetCommand).resolves({ Item: toItem(record) });

    // Act
    const mediator = await readOwnNumber(deps(), { email: 'med@example.com' }, ID).catch(
      (e: { code: string }) => e.code,
    );
    const outsider = await readOwnNumber(deps(), { email: 'eve@example.com' }, ID).catch(
      (e: { code: string }) => e.code,
    );

    // Assess
    expect([mediator, outsider]).toEqual(['forbidden', 'not_found']);
    expect(kms).not.toHaveReceivedCommand(DecryptCommand);
  });
});
