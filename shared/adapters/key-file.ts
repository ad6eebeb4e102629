/**
 * A secret key kept in a local file (local runtime only): created with random bytes and mode 0600
 * on first use, read afterwards. Creation is atomic (written to a temporary file, then hard-linked
 * into place, which fails if the file exists), so two processes starting at once agree on one key
 * and nobody ever reads a half-written file.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const KEY_FILE_MODE = 0o600;

export async function readOrCreateKeyFile(path: string, byteCount: number): Promise<Uint8Array> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    return await readKey(path, byteCount);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temporary, 'wx', KEY_FILE_MODE);
  try {
    await handle.chmod(KEY_FILE_MODE); // exactly 0600 whatever the umask
    await handle.writeFile(randomBytes(byteCount));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, path);
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error; // someone else created it first: use theirs
  } finally {
    await unlink(temporary);
  }
  return readKey(path, byteCount);
}

async function readKey(path: string, byteCount: number): Promise<Uint8Array> {
  const key = new Uint8Array(await readFile(path));
  if (key.byteLength !== byteCount) {
    throw new Error(`Key file ${path} holds ${key.byteLength} bytes, expected ${byteCount}`);
  }
  return key;
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
