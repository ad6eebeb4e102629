import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/services/aws-json';
import { readSesEmails, type SesLocal, startSesLocal } from '../../../local/services/ses-local';
import { tempDir } from './helpers';

/** Resolves once the SES process is gone (its endpoint refuses connections). */
async function waitForExit(ses: SesLocal) {
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${ses.endpoint}/health-check`).then(
      () => true,
      () => false,
    );
    if (!up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sesClient = (endpoint: string) =>
  new SESv2Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });

const send = (endpoint: string, to: string[], subject: string) =>
  sesClient(endpoint).send(
    new SendEmailCommand({
      FromEmailAddress: 'no-reply@example.com',
      Destination: { ToAddresses: to },
      ConfigurationSetName: 'backchannel',
      Content: {
        Simple: {
          Subject: { Data: subject, Charset: 'UTF-8' },
          Body: { Text: { Data: `text of ${subject}` }, Html: { Data: `<p>html of ${subject}</p>` } },
        },
      },
    }),
  );

describe('local SES', () => {
  describe('the shared instance', () => {
    it('accepts SendEmail from the SDK and shows the mail per recipient', async () => {
      // Prepare
      const endpoint = inject('sesEndpoint');
      const alice = `alice-${randomUUID()}@example.com`;
      const bob = `bob-${randomUUID()}@example.com`;
      const before = Date.now();

      // Act
      const { MessageId } = await send(endpoint, [alice, bob], 'Step 2 is open');
      await send(endpoint, [bob], 'Reminder');

      // Assess
      expect(MessageId).toBeTruthy();
      const toAlice = await readSesEmails(endpoint, alice.toUpperCase());
      expect(toAlice).toEqual([
        {
          to: [alice, bob],
          subject: 'Step 2 is open',
          text: 'text of Step 2 is open',
          html: '<p>html of Step 2 is open</p>',
          sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          from: 'no-reply@example.com',
          messageId: MessageId,
        },
      ]);
      expect(Date.parse(toAlice[0]?.sentAt as string)).toBeGreaterThanOrEqual(
        Math.floor(before / 1000) * 1000,
      );
      expect((await readSesEmails(endpoint, bob)).map((email) => email.subject)).toEqual([
        'Step 2 is open',
        'Reminder',
      ]);
    });
  });

  describe('an outage', () => {
    let ses: SesLocal;
    beforeAll(async () => {
      ses = await startSesLocal();
    });
    afterAll(async () => {
      await ses.stop();
    });

    it('pause() refuses connections; resume() serves again on the same port and the mail survives', async () => {
      // Prepare
      await send(ses.endpoint, ['carol@example.com'], 'before');

      // Act
      await ses.pause();
      const whileDown = send(ses.endpoint, ['carol@example.com'], 'during');
      await expect(whileDown).rejects.toThrow();
      const readableWhileDown = await ses.readEmails('carol@example.com');
      await ses.resume();
      await send(ses.endpoint, ['carol@example.com'], 'after');

      // Assess
      expect(ses.running).toBe(true);
      expect(readableWhileDown.map((email) => email.subject)).toEqual(['before']);
      expect((await ses.readEmails('carol@example.com')).map((email) => email.subject)).toEqual([
        'before',
        'after',
      ]);
    });

    it('keeps mail across a stop and a new start with archiveFile', async () => {
      // Prepare
      const archiveFile = join(tempDir('ses-'), 'mail.json');
      const first = await startSesLocal({ archiveFile });
      await send(first.endpoint, ['erin@example.com'], 'kept');
      await first.stop();

      // Act
      const second = await startSesLocal({ archiveFile });
      const emails = await second.readEmails('erin@example.com').finally(() => second.stop());

      // Assess
      expect(emails.map((email) => email.subject)).toEqual(['kept']);
    });

    it('keeps every email SES accepted when its process is killed outright, and shows them in the viewer', async () => {
      // Prepare
      const archiveFile = join(tempDir('ses-kill-'), 'mail.jsonl');
      const first = await startSesLocal({ archiveFile });
      for (const subject of ['one', 'two', 'three'])
        await send(first.endpoint, ['frank@example.com'], subject);

      // Act: no stop, no snapshot: SIGKILL, as when everything dies at once.
      process.kill(first.pid as number, 'SIGKILL');
      await waitForExit(first);
      await first.stop();
      const second = await startSesLocal({ archiveFile });
      const emails = await second.readEmails('frank@example.com');
      const viewer = await readSesEmails(second.endpoint, 'frank@example.com').finally(() => second.stop());

      // Assess
      expect(emails.map((email) => email.subject)).toEqual(['one', 'two', 'three']);
      expect(viewer.map((email) => email.subject)).toEqual(['one', 'two', 'three']);
    });

    it('never writes less: a stop while SES is down keeps every email', async () => {
      // Prepare
      const archiveFile = join(tempDir('ses-down-'), 'mail.jsonl');
      const first = await startSesLocal({ archiveFile });
      await send(first.endpoint, ['grace@example.com'], 'kept');
      await first.pause();

      // Act
      await first.stop();
      const second = await startSesLocal({ archiveFile });
      const emails = await second.readEmails('grace@example.com').finally(() => second.stop());

      // Assess
      expect(emails.map((email) => email.subject)).toEqual(['kept']);
    });

    it("takes over an earlier version's archive (one JSON array) and appends to it from then on", async () => {
      // Prepare
      const dir = tempDir('ses-legacy-');
      const old = {
        messageId: 'old-1',
        from: 'no-reply@example.com',
        replyTo: [],
        destination: { to: ['heidi@example.com'], cc: [], bcc: [] },
        subject: 'from the old archive',
        body: { text: 'old text', html: '<p>old</p>' },
        attachments: [],
        at: 1_800_000_000,
      };
      writeFileSync(join(dir, 'mail.json'), JSON.stringify([old]));
      const archiveFile = join(dir, 'mail.jsonl');

      // Act
      const ses = await startSesLocal({ archiveFile, legacyArchiveFile: join(dir, 'mail.json') });
      await send(ses.endpoint, ['heidi@example.com'], 'new');
      const emails = await ses.readEmails('HEIDI@example.com').finally(() => ses.stop());

      // Assess
      expect(emails.map((email) => [email.subject, email.sentAt])).toEqual([
        ['from the old archive', '2027-01-15T08:00:00Z'],
        ['new', expect.any(String)],
      ]);
      expect(existsSync(join(dir, 'mail.json'))).toBe(false);
      const lines = readFileSync(archiveFile, 'utf8').trim().split('\n');
      expect(lines.map((line) => JSON.parse(line).subject)).toEqual(['from the old archive', 'new']);
    });

    it('clear() forgets every mail', async () => {
      // Prepare
      await send(ses.endpoint, ['dave@example.com'], 'x');

      // Act
      await ses.clear();

      // Assess
      expect(await ses.readEmails()).toEqual([]);
    });
  });
});
