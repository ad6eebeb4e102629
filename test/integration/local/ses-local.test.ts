import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/services/aws-json';
import { readSesEmails, type SesLocal, startSesLocal } from '../../../local/services/ses-local';
import { tempDir } from './helpers';

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
