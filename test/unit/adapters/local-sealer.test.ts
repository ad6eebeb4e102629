import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../shared/adapters/errors';
import { readOrCreateKeyFile } from '../../../shared/adapters/key-file';
import { LOCAL_SEALED_BYTES, LocalSealer } from '../../../shared/adapters/local-sealer';
import type { SealContext } from '../../../shared/ports';

const DISTINCTIVE = 7391846250193n;
const CONTEXT: SealContext = { sessionId: 'dGhpcy1pcy1hLXNlc3Npb24', side: 'respondent', seq: 7 };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('LocalSealer', () => {
  const sealer = new LocalSealer(randomBytes(32));

  describe('sealNumber', () => {
    it('gives ciphertexts of 1 and of 10^15 the same length: 36 bytes', async () => {
      // Act
      const small = await sealer.sealNumber(1n, CONTEXT);
      const large = await sealer.sealNumber(10n ** 15n, CONTEXT);

      // Assess
      expect(small.byteLength).toBe(LOCAL_SEALED_BYTES);
      expect(LOCAL_SEALED_BYTES).toBe(36);
      expect(large.byteLength).toBe(small.byteLength);
    });

    it('uses a fresh IV: sealing the same amount twice gives different ciphertexts', async () => {
      // Act
      const first = await sealer.sealNumber(DISTINCTIVE, CONTEXT);
      const second = await sealer.sealNumber(DISTINCTIVE, CONTEXT);

      // Assess
      expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
      expect(Buffer.from(first.subarray(0, 12)).equals(Buffer.from(second.subarray(0, 12)))).toBe(false);
    });

    it('rejects an out-of-range amount without echoing it', async () => {
      // Act
      const error = await rejection(sealer.sealNumber(DISTINCTIVE * 1000n, CONTEXT));

      // Assess
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).not.toContain(String(DISTINCTIVE * 1000n));
    });
  });

  describe('openNumber', () => {
    it('round-trips any amount in range', async () => {
      // Prepare
      const amounts = fc.bigInt({ min: 1n, max: 10n ** 15n });

      // Act / Assess
      await fc.assert(
        fc.asyncProperty(amounts, async (amount) => {
          const sealed = await sealer.sealNumber(amount, CONTEXT);
          expect(sealed.byteLength).toBe(36);
          expect(await sealer.openNumber(sealed, CONTEXT)).toBe(amount);
        }),
        { numRuns: 200 },
      );
    });

    it('opens a view into a larger buffer', async () => {
      // Prepare
      const sealed = await sealer.sealNumber(DISTINCTIVE, CONTEXT);
      const larger = new Uint8Array(100);
      larger.set(sealed, 10);

      // Act
      const amount = await sealer.openNumber(larger.subarray(10, 46), CONTEXT);

      // Assess
      expect(amount).toBe(DISTINCTIVE);
    });

    it.each<[string, SealContext]>([
      ['another session', { ...CONTEXT, sessionId: 'dGhpcy1pcy1hLXNlc3Npb25' }],
      ['the other side', { ...CONTEXT, side: 'claimant' }],
      ['another seq', { ...CONTEXT, seq: 8 }],
    ])('fails to open a ciphertext moved to %s', async (_label, moved) => {
      // Prepare
      const sealed = await sealer.sealNumber(DISTINCTIVE, CONTEXT);

      // Act
      const error = await rejection(sealer.openNumber(sealed, moved));

      // Assess
      expect(error).toBeInstanceOf(DependencyError);
      expect(error).toMatchObject({ dependency: 'local-sealer', reason: 'AuthenticationFailed' });
      expect(error.message).not.toContain(String(DISTINCTIVE));
    });

    it('fails to open under another key', async () => {
      // Prepare
      const sealed = await sealer.sealNumber(DISTINCTIVE, CONTEXT);
      const other = new LocalSealer(randomBytes(32));

      // Act / Assess
      await expect(other.openNumber(sealed, CONTEXT)).rejects.toBeInstanceOf(DependencyError);
    });

    it('fails to open when any single byte (iv, ciphertext or tag) is flipped', async () => {
      // Prepare
      const sealed = await sealer.sealNumber(DISTINCTIVE, CONTEXT);

      for (let index = 0; index < sealed.byteLength; index += 1) {
        const tampered = sealed.slice();
        tampered[index] = tampered[index]! ^ 0x01;

        // Act
        const error = await rejection(sealer.openNumber(tampered, CONTEXT));

        // Assess
        expect(error, `byte ${index}`).toBeInstanceOf(DependencyError);
        expect(error.message).not.toContain(String(DISTINCTIVE));
      }
    });

    it.each([0, 35, 37, 52])('rejects a sealed value of %i bytes', async (length) => {
      // Act
      const error = await rejection(sealer.openNumber(new Uint8Array(length), CONTEXT));

      // Assess
      expect(error).toMatchObject({ dependency: 'local-sealer', reason: 'InvalidLength' });
    });
  });

  it('refuses a key that is not 32 bytes', () => {
    // Act / Assess
    expect(() => new LocalSealer(new Uint8Array(16))).toThrow(RangeError);
  });

  describe('fromKeyFile', () => {
    let folder: string;

    beforeEach(async () => {
      folder = await mkdtemp(join(tmpdir(), 'backchannel-sealer-'));
    });

    afterEach(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    it('creates a 32-byte key file with mode 0600 (and its folder) on first use', async () => {
      // Prepare
      const path = join(folder, 'nested', 'deeper', 'sealer.key');

      // Act
      await LocalSealer.fromKeyFile(path);

      // Assess
      const info = await stat(path);
      expect(info.mode & 0o777).toBe(0o600);
      expect(info.size).toBe(32);
    });

    it('reuses the key file: a number sealed before a restart opens after it', async () => {
      // Prepare
      const path = join(folder, 'sealer.key');
      const before = await LocalSealer.fromKeyFile(path);
      const keyBefore = await readFile(path);
      const sealed = await before.sealNumber(DISTINCTIVE, CONTEXT);

      // Act
      const after = await LocalSealer.fromKeyFile(path);

      // Assess
      expect(await after.openNumber(sealed, CONTEXT)).toBe(DISTINCTIVE);
      expect((await readFile(path)).equals(keyBefore)).toBe(true);
    });

    it('agrees on one key when several processes create it at once', async () => {
      // Prepare
      const path = join(folder, 'race', 'sealer.key');

      // Act
      const keys = await Promise.all(Array.from({ length: 8 }, () => readOrCreateKeyFile(path, 32)));

      // Assess
      const stored = new Uint8Array(await readFile(path));
      for (const key of keys) expect(key).toEqual(stored);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    });

    it('refuses a key file of the wrong size', async () => {
      // Prepare
      const path = join(folder, 'short.key');
      await writeFile(path, randomBytes(16), { mode: 0o600 });

      // Act / Assess
      await expect(LocalSealer.fromKeyFile(path)).rejects.toThrow(/16 bytes, expected 32/);
    });
  });
});
