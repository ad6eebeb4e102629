import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { sesConfigurationSetName } from '../naming';
import { Group } from './group';
import type { ServiceFunction } from './service-function';

export interface EmailProps {
  stage: string;
  senderEmail: string;
  /** When set, SES verifies the domain (DKIM records as outputs) instead of the single address. */
  senderDomain?: string;
}

/**
 * Outgoing email: the verified sender (an address, or a whole domain with DKIM) and the stage's
 * configuration set, which suppresses addresses that bounce or complain.
 */
export class Email extends Group {
  readonly configurationSet: ses.ConfigurationSet;
  readonly senderIdentity: ses.EmailIdentity;
  private readonly senderEmail: string;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    this.configurationSet = new ses.ConfigurationSet(this, 'EmailConfigurationSet', {
      configurationSetName: sesConfigurationSetName(props.stage),
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.senderIdentity = new ses.EmailIdentity(this, 'SenderIdentity', {
      identity: props.senderDomain
        ? ses.Identity.domain(props.senderDomain)
        : ses.Identity.email(props.senderEmail),
      configurationSet: this.configurationSet,
    });

    new CfnOutput(this, 'SesConfigurationSet', { value: this.configurationSet.configurationSetName });
    if (props.senderDomain) {
      this.senderIdentity.dkimRecords.forEach((record, index) => {
        new CfnOutput(this, `DkimRecord${index + 1}`, {
          value: `${record.name} CNAME ${record.value}`,
          description: `DKIM record ${index + 1} to publish in ${props.senderDomain}'s DNS`,
        });
      });
    }
  }

  /** ses:SendEmail for the functions whose settings say so: from the sender address, through this identity and configuration set. */
  allowSending(functions: readonly ServiceFunction[]): void {
    const stack = Stack.of(this);
    for (const fn of functions.filter((f) => f.settings.sendsEmail)) {
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'SendEmail',
          actions: ['ses:SendEmail'],
          resources: [
            stack.formatArn({
              service: 'ses',
              resource: 'identity',
              resourceName: this.senderIdentity.emailIdentityName,
            }),
            stack.formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: this.configurationSet.configurationSetName,
            }),
          ],
          conditions: { StringEquals: { 'ses:FromAddress': this.senderEmail } },
        }),
      );
    }
  }
}
