/**
 * Sends an email with SES v2 (docs/rules.md, "Emails"; docs/deploy.md): one SendEmail per email, plain text and HTML in UTF-8,
 * through the configuration set when one is given (bounce and complaint handling).
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Email, Mailer } from '../ports';
import { dependencyFailure } from './errors';

/** SES accepts at most 50 recipients per message. */
export const SES_MAX_RECIPIENTS = 50;

export interface SesMailerOptions {
  client: SESv2Client;
  /** The verified sender address (or `Name <address>`). */
  from: string;
  configurationSetName?: string;
}

export class SesMailer implements Mailer {
  private readonly client: SESv2Client;
  private readonly from: string;
  private readonly configurationSetName: string | undefined;

  constructor(options: SesMailerOptions) {
    this.client = options.client;
    this.from = options.from;
    this.configurationSetName = options.configurationSetName;
  }

  /** Throws Error on an email with no or too many recipients, DependencyError when SES fails. */
  async send(email: Email): Promise<void> {
    if (email.to.length === 0) throw new Error('email has no recipient');
    if (email.to.length > SES_MAX_RECIPIENTS) {
      throw new Error(`email has ${email.to.length} recipients, SES accepts at most ${SES_MAX_RECIPIENTS}`);
    }
    const command = new SendEmailCommand({
      FromEmailAddress: this.from,
      Destination: { ToAddresses: [...email.to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.text, Charset: 'UTF-8' },
            Html: { Data: email.html, Charset: 'UTF-8' },
          },
        },
      },
      ...(this.configurationSetName === undefined ? {} : { ConfigurationSetName: this.configurationSetName }),
    });
    try {
      await this.client.send(command);
    } catch (error) {
      throw dependencyFailure('ses', 'SendEmail', error);
    }
  }
}
