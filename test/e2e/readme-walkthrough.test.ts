/**
 * README.md's "A whole negotiation with curl", run exactly as written (its bash block read from
 * README.md at test time), against the running local runtime: only the API address differs.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { E2eClient } from '../support/e2e-client';
import { anyTime, withSubject } from './expected';

const api = new E2eClient(inject('apiUrl'));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const DEFAULT_API = 'API=http://127.0.0.1:3000';

/** The first ```bash block under the "## A whole negotiation with curl" heading. */
function walkthrough(): string {
  const markdown = readFileSync(README, 'utf8');
  const section = markdown.split(/^## A whole negotiation with curl$/m)[1]?.split(/^## /m)[0];
  const block = section ? /^```bash\n([\s\S]*?)^```$/m.exec(section)?.[1] : undefined;
  if (!block) throw new Error('README.md has no bash block under "## A whole negotiation with curl"');
  return block;
}

async function runWalkthrough(script: string) {
  const { stdout, stderr } = await promisify(execFile)('bash', ['-c', script], { timeout: 30_000 });
  return { stdout, stderr };
}

describe('README walkthrough', () => {
  it('negotiates a whole session with curl, as written, to a deal — and again on the same data', async () => {
    // Prepare
    const block = walkthrough();
    expect(block.split('\n').filter((line) => line === DEFAULT_API)).toHaveLength(1);
    const script = block.replace(DEFAULT_API, `API=${api.baseUrl}`);
    const alice = await api.person('alice@claimant.example');

    // Act: once, then a second time (a newcomer runs it again on the data of the first run).
    const runs = [await runWalkthrough(script), await runWalkthrough(script)];

    // Assess
    const { body } = await api.call('GET', '/sessions', { token: alice.token });
    expect(body.sessions).toHaveLength(2);
    for (const [i, run] of runs.entries()) {
      expect(run.stderr).toBe('');
      const session = body.sessions[runs.length - 1 - i];
      expect(session.phase).toBe('settled');
      expect(session.title).toBe('Acme v. Widget');
      expect(session.sides.respondent.members).toEqual([
        { email: 'bob@respondent.example', displayName: null, status: 'joined' },
      ]);
      expect(session.outcome).toEqual({
        amount: session.outcome.baseAmount,
        baseAmount: expect.any(Number),
        bonusSide: null,
        reachedIn: 'initial_round',
        settledAt: anyTime(),
      });
      expect(session.outcome.amount).toBeGreaterThanOrEqual(10_000_000);
      expect(session.outcome.amount).toBeLessThanOrEqual(12_000_000);
      expect(session.outcome.amount % 100_000).toBe(0);
      // What the walkthrough printed: the settled view, then the deal email.
      expect(run.stdout).toContain(`"id":"${session.id}"`);
      expect(run.stdout).toContain(`"phase":"settled"`);
      expect(run.stdout).toContain(`"outcome":{"amount":${session.outcome.amount},`);
      expect(run.stdout).toContain('Deal reached: Acme v. Widget');
      expect(run.stdout).not.toContain('"error"');
    }
    expect(withSubject(await api.emails('alice@claimant.example'), 'Deal reached')).toHaveLength(2);
  });
});
