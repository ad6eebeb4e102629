import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { KEY_ATTRIBUTES, TABLE } from '../../shared/table/definition';
import {
  type Json,
  OPTIONAL_CONTEXT,
  resources,
  SYNTH_TIMEOUT_MS,
  type Synthesized,
  synth,
} from './support/synth';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synth('dev');
  prod = synth('prod', OPTIONAL_CONTEXT);
}, SYNTH_TIMEOUT_MS);

const table = (app: Synthesized) => resources(app.templates.stateful, 'AWS::DynamoDB::Table')[0]![1];

describe('table', () => {
  it('has the key schema, attributes and indexes of shared/table/definition.ts', () => {
    // Prepare
    const { Properties: props } = table(dev);

    // Act
    const indexes = (props.GlobalSecondaryIndexes as Json[]).map((index) => ({
      name: index.IndexName,
      keys: index.KeySchema,
      projection: index.Projection.ProjectionType,
    }));

    // Assess
    expect(props.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(new Set(props.AttributeDefinitions)).toEqual(
      new Set(KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
    );
    expect(indexes).toEqual(
      Object.values(TABLE.indexes).map((index) => ({
        name: index.name,
        keys: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' }] : []),
        ],
        projection: 'ALL',
      })),
    );
  });

  it('is on-demand with point-in-time recovery, a NEW_AND_OLD_IMAGES stream and the TTL attribute', () => {
    // Prepare / Act
    const { Properties: props } = table(dev);

    // Assess
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.StreamSpecification).toEqual({ StreamViewType: TABLE.stream });
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.ttlAttribute, Enabled: true });
  });

  it('is protected from deletion and retained outside dev, and neither in dev', () => {
    // Prepare / Act
    const [devTable, prodTable] = [table(dev), table(prod)];

    // Assess
    expect(prodTable.Properties.DeletionProtectionEnabled).toBe(true);
    expect(prodTable.DeletionPolicy).toBe('Retain');
    expect(prodTable.UpdateReplacePolicy).toBe('Retain');
    expect(devTable.Properties.DeletionProtectionEnabled).toBe(false);
    expect(devTable.DeletionPolicy).toBe('Delete');
  });

  it('retains the key, user pool and secret outside dev and turns on termination protection', () => {
    // Prepare
    const types = ['AWS::KMS::Key', 'AWS::Cognito::UserPool', 'AWS::SecretsManager::Secret'];

    // Act
    const prodPolicies = types.map((type) => resources(prod.templates.stateful, type)[0]![1].DeletionPolicy);
    const devPolicies = types.map((type) => resources(dev.templates.stateful, type)[0]![1].DeletionPolicy);

    // Assess
    expect(prodPolicies).toEqual(['Retain', 'Retain', 'Retain']);
    expect(devPolicies).toEqual(['Delete', 'Delete', 'Delete']);
    expect(prod.stateful.terminationProtection).toBe(true);
    expect(dev.stateful.terminationProtection).toBe(false);
  });
});

describe('number key', () => {
  it('rotates', () => {
    // Prepare / Act / Assess
    dev.templates.stateful.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('gives the account administration without decrypt, re-encrypt or grants', () => {
    // Prepare
    const [[, key]] = resources(dev.templates.stateful, 'AWS::KMS::Key') as [[string, Json]];
    const statements = key.Properties.KeyPolicy.Statement as Json[];

    // Act
    const admin = statements.find((s) => s.Sid === 'KeyAdministrationWithoutUse');

    // Assess
    expect(admin.Action).toContain('kms:PutKeyPolicy');
    expect(admin.Action).toContain('kms:ScheduleKeyDeletion');
    for (const action of admin.Action as string[]) {
      expect(action).not.toMatch(/\*|Decrypt|ReEncrypt|CreateGrant|GenerateDataKey|Encrypt/);
    }
    expect(statements.map((s) => s.Sid)).toEqual([
      'KeyAdministrationWithoutUse',
      'EncryptAsIamAllows',
      'DecryptOnlyMatchAndOwnNumber',
      'DecryptAnswersOnlyApi',
    ]);
  });
});

describe('messages key', () => {
  const messagesKey = (app: Synthesized) => {
    const found = resources(app.templates.stateful, 'AWS::KMS::Key').filter(([id]) =>
      id.startsWith('MessagesKey'),
    );
    expect(found).toHaveLength(1);
    return found[0]![1];
  };

  it('is a second key, apart from the number key, that rotates and has its own alias', () => {
    // Prepare / Act
    const keys = resources(dev.templates.stateful, 'AWS::KMS::Key').map(([id]) =>
      id.replace(/[0-9A-F]{8}$/, ''),
    );

    // Assess
    expect(keys.sort()).toEqual(['MessagesKey', 'NumberKey']);
    expect(messagesKey(dev).Properties.EnableKeyRotation).toBe(true);
    dev.templates.stateful.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/backchannel-dev-messages',
    });
  });

  it('is retained outside dev and not in dev', () => {
    // Prepare / Act
    const [devKey, prodKey] = [messagesKey(dev), messagesKey(prod)];

    // Assess
    expect(prodKey.DeletionPolicy).toBe('Retain');
    expect(prodKey.Properties.PendingWindowInDays).toBe(30);
    expect(devKey.DeletionPolicy).toBe('Delete');
  });

  it('gives the account administration without any use of the key', () => {
    // Prepare
    const statements = messagesKey(dev).Properties.KeyPolicy.Statement as Json[];

    // Act
    const admin = statements.find((s) => s.Sid === 'KeyAdministrationWithoutUse');

    // Assess
    expect(admin.Action).toContain('kms:PutKeyPolicy');
    for (const action of admin.Action as string[]) {
      expect(action).not.toMatch(/\*|Decrypt|ReEncrypt|CreateGrant|GenerateDataKey|Encrypt/);
    }
  });
});

describe('user pool', () => {
  it('signs in with a verified email address', () => {
    // Prepare / Act / Assess
    dev.templates.stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12 }) },
    });
  });

  it('has a public app client: no secret, authorization code flow only', () => {
    // Prepare / Act / Assess
    dev.templates.stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: ['https://app.example.com'],
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('takes mobile callback URLs from context', () => {
    // Prepare / Act / Assess
    prod.templates.stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://app.example.com/auth', 'com.example.backchannel://auth'],
    });
  });
});

describe('fingerprint and invitation keys', () => {
  it('are two generated 64-character secrets', () => {
    // Prepare
    const secrets = resources(dev.templates.stateful, 'AWS::SecretsManager::Secret');

    // Act
    const ids = secrets.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''));

    // Assess
    expect(ids.sort()).toEqual(['FingerprintSecret', 'InvitationSecret']);
    for (const [, secret] of secrets) {
      expect(secret.Properties.GenerateSecretString).toMatchObject({
        PasswordLength: 64,
        ExcludePunctuation: true,
        IncludeSpace: false,
      });
    }
  });

  it('are both retained outside dev', () => {
    // Act
    const policies = (app: Synthesized) =>
      resources(app.templates.stateful, 'AWS::SecretsManager::Secret').map(([, r]) => r.DeletionPolicy);

    // Assess
    expect(policies(prod)).toEqual(['Retain', 'Retain']);
    expect(policies(dev)).toEqual(['Delete', 'Delete']);
  });

  it('acknowledge the rotation finding on each secret with a reason of its own', () => {
    // Act
    const reasons = resources(dev.templates.stateful, 'AWS::SecretsManager::Secret').map(
      ([, r]) =>
        ((r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Json[]).find(
          (rule) => rule.id === 'AwsSolutions-SMG4',
        )?.reason,
    );

    // Assess
    expect(reasons).toHaveLength(2);
    for (const reason of reasons) expect(reason).toEqual(expect.any(String));
    expect(new Set(reasons).size).toBe(2);
  });
});

describe('outputs', () => {
  it('publishes the user pool id, client id and hosted sign-in URL', () => {
    // Prepare / Act
    const outputs = Object.keys(dev.templates.stateful.toJSON().Outputs);

    // Assess
    expect(outputs).toEqual(expect.arrayContaining(['UserPoolId', 'UserPoolClientId', 'AuthDomainUrl']));
  });
});
