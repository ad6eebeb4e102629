/**
 * Fault: the sealer fails. `PUT /sessions/{id}/number` must answer 503 (a dependency failed, safe
 * to retry, nothing changed) and store nothing: no session change, no audit entry, no idempotency
 * record. When the sealer works again, the same request goes through.
 *
 * The fault is real, not mocked: the local sealer's key file is replaced by one of the wrong
 * length before the first number of this runtime is sealed (the sealer loads its key on first
 * use), exactly what a corrupted or half-restored key file does.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturedRuntime, startCapturedRuntime, toJson } from '../support/capture';
import { expectStatus, openedSession, type Session, sessionItem, untilPhase } from './helpers';

let rt: CapturedRuntime;
let s: Session;
let keyFile: string;

async function tableState() {
  return toJson(
    (await rt.scan()).sort((a, b) => `${a.pk?.S}${a.sk?.S}`.localeCompare(`${b.pk?.S}${b.sk?.S}`)),
  );
}

describe('fault: the sealer fails', () => {
  beforeAll(async () => {
    rt = await startCapturedRuntime({ logLevel: 'WARN' });
    s = await openedSession(rt, { mediator: true, create: { title: 'Sealer fault' } });
    keyFile = join(rt.dataDir, 'keys', 'sealer.key');
    await rt.settle();
  });

  afterAll(async () => {
    await rt?.stop();
  });

  it('a number that cannot be sealed is answered 503 and nothing is stored', async () => {
    // Prepare: the key file is unusable (wrong length), before anything was sealed. (It is
    // created on first use; a good one is kept aside for later.)
    if (existsSync(keyFile)) renameSync(keyFile, `${keyFile}.good`);
    else writeFileSync(`${keyFile}.good`, randomBytes(32), { mode: 0o600 });
    writeFileSync(keyFile, Buffer.alloc(5), { mode: 0o600 });
    const before = await tableState();
    const streamBefore = (await rt.streamRecords()).length;

    // Act: a plain request, and one with an Idempotency-Key.
    const plain = await rt.send(s.claimant, 'PUT', `/sessions/${s.id}/number`, {
      body: { amount: 4_500_000 },
    });
    const keyed = await rt.send(s.claimant, 'PUT', `/sessions/${s.id}/number`, {
      body: { amount: 4_500_000 },
      headers: { 'idempotency-key': 'sealer-down-1' },
    });
    await rt.settle();

    // Assess
    expectStatus(plain, 503, 'service_unavailable');
    expectStatus(keyed, 503, 'service_unavailable');
    expect(await tableState()).toBe(before);
    // The keyed attempt took its lease and released it; the plain one wrote nothing at all.
    const added = (await rt.streamRecords()).slice(streamBefore);
    expect(added.every((r) => String(r.dynamodb?.Keys?.pk?.S).startsWith('IDEMPOTENCY#'))).toBe(true);
    expect((await rt.send(s.claimant, 'GET', `/sessions/${s.id}`)).json.sides.claimant.hasNumber).toBe(false);
    // Nothing but the error's class reached the log.
    expect(rt.output.text()).not.toContain('4500000');
  });

  it('once the sealer works again, the same requests go through, and the pipeline evaluates them', async () => {
    // Prepare
    renameSync(`${keyFile}.good`, keyFile);
    expect(readFileSync(keyFile)).toHaveLength(32);

    // Act: the keyed request is retried with its key (its 503 was not stored), then the
    // respondent's number completes step 2.
    const retried = await rt.send(s.claimant, 'PUT', `/sessions/${s.id}/number`, {
      body: { amount: 4_500_000 },
      headers: { 'idempotency-key': 'sealer-down-1' },
    });
    const respondent = await rt.send(s.respondent, 'PUT', `/sessions/${s.id}/number`, {
      body: { amount: 5_000_000 },
    });
    const settled = await untilPhase(rt, s.mediator!, s.id, 'settled');

    // Assess
    expectStatus(retried, 202);
    expectStatus(respondent, 202);
    expect(settled.outcome).toMatchObject({ reachedIn: 'initial_round', bonusSide: null });
    expect(await sessionItem(rt, s.id)).toMatchObject({ seq: 2, evaluatedSeq: 2, sealed: {} });
  });
});
