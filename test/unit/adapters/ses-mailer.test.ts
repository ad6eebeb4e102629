import { SESv2Client, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
// Registers the matchers under both names (toReceive…/toHaveReceived…) and declares their types.
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../shared/adapters/errors';
import { SesMailer } from '../../../shared/adapters/ses-mailer';
import type { Email } from '../../../shared/ports';

const ses = mockClient(SESv2Client);
const FROM = 'Backchannel <no-reply@example.com>';
const EMAIL: Email = {
  to: ['ann@example.com', 'bob@example.com'],
  subject: 'Step 2 is open — «Acme v. Widget»',
  text: 'Step 2 closes on 3 March.',
  html: '<p>Step 2 closes on 3 March.</p>',
};

function mailer(configurationSetName?: string): SesMailer {
  const client = new SESv2Client({ region: 'eu-west-1' });
  return configurationSetName === undefined
    ? new SesMailer({ client, from: FROM })
    : new SesMailer({ client, from: FROM, configurationSetName });
}

describe('SesMailer', () => {
  beforeEach(() => {
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  });

  it('sends one SendEmail with a simple UTF-8 text and HTML body through the configuration set', async () => {
    // Act
    await mailer('backchannel-dev').send(EMAIL);

    // Assess
    expect(ses).toReceiveCommandExactlyOnceWith(SendEmailCommand, {
      FromEmailAddress: FROM,
      Destination: { ToAddresses: ['ann@example.com', 'bob@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: EMAIL.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: EMAIL.text, Charset: 'UTF-8' },
            Html: { Data: EMAIL.html, Charset: 'UTF-8' },
          },
        },
      },
      ConfigurationSetName: 'backchannel-dev',
    });
  });

  it('leaves ConfigurationSetName out when none is given', async () => {
    // Act
    await mailer().send(EMAIL);

    // Assess
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input).not.toHaveProperty('ConfigurationSetName');
    expect(input.Destination).toEqual({ ToAddresses: EMAIL.to });
  });

  it('maps an SES error to a DependencyError', async () => {
    // Prepare
    ses.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: {} }));

    // Act / Assess
    await expect(mailer().send(EMAIL)).rejects.toThrow(DependencyError);
    await expect(mailer().send(EMAIL)).rejects.toMatchObject({
      dependency: 'ses',
      operation: 'SendEmail',
      reason: 'TooManyRequestsException',
    });
  });

  it.each([
    ['no recipient', []],
    ['more than 50 recipients', Array.from({ length: 51 }, (_, index) => `u${index}@example.com`)],
  ])('refuses an email with %s without calling SES', async (_label, to) => {
    // Act / Assess
    await expect(mailer().send({ ...EMAIL, to })).rejects.toThrow(/recipient/);
    expect(ses).not.toReceiveAnyCommand();
  });
});
