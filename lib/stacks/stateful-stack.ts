import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TABLE } from '../../shared/table/definition';
import type { AppConfig } from '../config';
import { sealingKey } from '../constructs/sealing-key';
import {
  ANSWER_ONLY_OPENERS,
  FINGERPRINT_KEY_READERS,
  INVITATION_KEY_READERS,
  MESSAGES_KEY_USERS,
  NUMBER_KEY_DECRYPTERS,
} from '../function-settings';
import { acknowledge } from '../nag';
import { authDomainPrefix, type FunctionName, roleArn } from '../naming';

export interface StatefulStackProps extends StackProps {
  config: AppConfig;
}

/**
 * What must survive a redeploy of the code: the table, the keys numbers and room messages are
 * sealed under, the user pool, the idempotency fingerprint key and the invitation key. Outside
 * `dev` all of it is retained when the stack is deleted and the table and user pool refuse
 * deletion.
 */
export class StatefulStack extends Stack {
  readonly table: dynamodb.Table;
  readonly numberKey: kms.Key;
  readonly messagesKey: kms.Key;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly fingerprintSecret: secretsmanager.Secret;
  readonly invitationSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, { ...props, terminationProtection: !props.config.isDev });
    const { config } = props;
    const removalPolicy = config.isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // --- Table: built from shared/table/definition.ts, the same module the local runtime uses.
    const attribute = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attribute(TABLE.partitionKey),
      sortKey: attribute(TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: !config.isDev,
      removalPolicy,
      stream: dynamodb.StreamViewType[TABLE.stream],
      timeToLiveAttribute: TABLE.ttlAttribute,
    });
    for (const index of Object.values(TABLE.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        ...(index.sortKey !== null && { sortKey: attribute(index.sortKey) }),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // --- The number key. CDK's default key policy gives the account root `kms:*`, which lets
    // any IAM policy in the account grant kms:Decrypt: an administrator could read every number
    // with a policy change. This policy is written out instead (lib/constructs/sealing-key.ts):
    //  * administration for the account (so CloudFormation and operators can manage, rotate and
    //    delete the key; `kms:PutKeyPolicy` keeps the key manageable and is alarmed), but none
    //    of kms:Decrypt, kms:ReEncrypt*, kms:CreateGrant (a grant would bypass this policy);
    //  * kms:Encrypt delegated to IAM (only submit-number's role has it);
    //  * kms:Decrypt only for principals whose ARN is the match or the own-number role, and
    //    only when an IAM policy of that role allows it as well. The roles are named by ARN in a
    //    condition, not as principals: KMS rejects principals that do not exist yet, and those
    //    roles live in the stateless stack, which is deployed after this one;
    //  * kms:Decrypt for the api role only under the context `kind = answer`: a side's sealed
    //    answer to a proposal, never a number.
    // Reading a number therefore takes a change to this policy, to those roles' trust or
    // policies, or to those functions' code: all are CloudTrail events with alarms.
    const account = new iam.AccountRootPrincipal();
    const roles = (fns: readonly FunctionName[]) => fns.map((fn) => roleArn(this, config.stage, fn));
    this.numberKey = sealingKey(this, 'NumberKey', {
      isDev: config.isDev,
      description: `Backchannel ${config.stage}: seals submitted numbers (encryption context sessionId, side, seq)`,
      alias: `alias/backchannel-${config.stage}-numbers`,
      uses: [
        new iam.PolicyStatement({
          sid: 'EncryptAsIamAllows',
          principals: [account],
          actions: ['kms:Encrypt'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'DecryptOnlyMatchAndOwnNumber',
          principals: [account],
          actions: ['kms:Decrypt'],
          resources: ['*'],
          conditions: { ArnEquals: { 'aws:PrincipalArn': roles(NUMBER_KEY_DECRYPTERS) } },
        }),
        // A side's answer to a proposal is sealed under this key with `kind = answer` in its
        // context (numbers have no `kind`). The api role may decrypt that and only that, to show a
        // side its own answer (docs/rules.md, "Double-blind proposals"): never a number.
        new iam.PolicyStatement({
          sid: 'DecryptAnswersOnlyApi',
          principals: [account],
          actions: ['kms:Decrypt'],
          resources: ['*'],
          conditions: {
            ArnEquals: { 'aws:PrincipalArn': roles(ANSWER_ONLY_OPENERS) },
            StringEquals: { 'kms:EncryptionContext:kind': 'answer' },
          },
        }),
      ],
    });

    // --- The messages key: room messages are sealed under data keys from it (envelope
    // encryption, encryption context {sessionId, room}). A key of its own, so that what may read
    // numbers and what may read messages never overlap: its policy lets only the rooms role
    // generate data keys and decrypt them (and only as that role's IAM policy allows too), as
    // the number key does for its decrypters; no other role may use it, and rooms may not use
    // the number key.
    this.messagesKey = sealingKey(this, 'MessagesKey', {
      isDev: config.isDev,
      description: `Backchannel ${config.stage}: seals room messages (data keys; encryption context sessionId, room)`,
      alias: `alias/backchannel-${config.stage}-messages`,
      uses: [
        new iam.PolicyStatement({
          sid: 'EnvelopeOnlyRooms',
          principals: [account],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { ArnEquals: { 'aws:PrincipalArn': roles(MESSAGES_KEY_USERS) } },
        }),
      ],
    });

    // --- Users: an account is a verified email address (docs/rules.md, "People and roles").
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // The address is the identity: a change keeps the old, verified address in the token
      // until the new one is verified.
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: !config.isDev,
      removalPolicy,
    });
    const domain = this.userPool.addDomain('HostedDomain', {
      cognitoDomain: { domainPrefix: authDomainPrefix(config.stage, this.account, config.authDomainPrefix) },
    });
    // A public client (web and mobile): no secret, authorization code flow (the clients send a
    // PKCE challenge; without a secret there is nothing else to protect the code), SRP for
    // native sign-in. The API accepts the ID token (it carries email and email_verified).
    this.userPoolClient = this.userPool.addClient('AppClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: config.callbackUrls,
        logoutUrls: config.logoutUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    // --- Two HMAC keys, each readable only by its own roles: everyone else is denied by the
    // secret's resource policy, whatever IAM says.
    const hmacSecret = (id: string, purpose: string, sid: string, readers: readonly FunctionName[]) => {
      const secret = new secretsmanager.Secret(this, id, {
        description: `Backchannel ${config.stage}: HMAC key for ${purpose}`,
        generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
        removalPolicy,
      });
      secret.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['secretsmanager:GetSecretValue'],
          resources: ['*'],
          conditions: {
            ArnNotEquals: { 'aws:PrincipalArn': readers.map((fn) => roleArn(this, config.stage, fn)) },
          },
        }),
      );
      return secret;
    };
    // Idempotency fingerprints (docs/rules.md, "Who learns what": an amount is easy to brute-force from a plain hash,
    // and from an HMAC whose key an operator can read): api and submit-number only.
    this.fingerprintSecret = hmacSecret(
      'FingerprintSecret',
      'idempotency fingerprints',
      'OnlyApiAndSubmitNumberRead',
      FINGERPRINT_KEY_READERS,
    );
    // Invitation tokens: api (hash at invite) and notify (token in the email) only. Kept apart
    // from the fingerprint key so that notify, which reads the table, cannot brute-force the
    // fingerprints of `PUT /number` bodies stored in idempotency records.
    this.invitationSecret = hmacSecret(
      'InvitationSecret',
      'invitation tokens',
      'OnlyApiAndNotifyRead',
      INVITATION_KEY_READERS,
    );

    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is offered (TOTP) but optional: accounts are free and identified by a verified email (docs/rules.md, "People and roles"); requiring MFA is a product decision recorded in docs/deploy.md.',
    );
    acknowledge(
      this.userPool,
      'AwsSolutions-COG8',
      'Threat protection (compromised credentials, adaptive authentication) needs the Cognito Plus feature plan: a per-account cost decision, documented in docs/deploy.md.',
    );
    acknowledge(
      this.fingerprintSecret,
      'AwsSolutions-SMG4',
      'Rotating the HMAC key would change the fingerprints of stored idempotency records (kept 24 h) and turn retries into 422s; reads are pinned to two roles by the resource policy.',
    );
    acknowledge(
      this.invitationSecret,
      'AwsSolutions-SMG4',
      'Rotating the invitation key would break open invitations (valid 14 days) whose email is still to be sent or re-driven: notify re-derives the token from it and api stored its hash; reads are pinned to api and notify by the resource policy.',
    );

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'AuthDomainUrl', {
      value: domain.baseUrl(),
      description: 'Cognito hosted sign-in (OAuth authorize/token endpoints live under it)',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'NumberKeyArn', { value: this.numberKey.keyArn });
    new CfnOutput(this, 'MessagesKeyArn', { value: this.messagesKey.keyArn });
  }
}
