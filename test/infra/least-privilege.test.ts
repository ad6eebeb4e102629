import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionCovers,
  actionsOf,
  allowedActions,
  asArray,
  flatten,
  type Json,
  type RoleStatement,
  resources,
  roleStatements,
  SYNTH_TIMEOUT_MS,
  type Synthesized,
  synth,
} from './support/synth';

const FUNCTIONS = [
  'api',
  'submit-number',
  'own-number',
  'match',
  'notify',
  'phase-timer',
  'reconciler',
  'rooms',
  'calendar',
];
/** Actions that give access to a plaintext: decrypting, re-encrypting from, or granting oneself either. */
const DECRYPT_CAPABLE = ['kms:Decrypt', 'kms:ReEncryptFrom', 'kms:CreateGrant'];
const STREAM_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

let app: Synthesized;
let statements: RoleStatement[];

beforeAll(() => {
  app = synth('dev');
  statements = [
    ...roleStatements(app.templates.stateful),
    ...roleStatements(app.templates.stateless),
    ...roleStatements(app.templates.iamAudit),
    // The web stacks' roles are CDK's deployment functions: they belong in every "who can" answer.
    ...roleStatements(app.templates.web),
    ...roleStatements(app.templates.webContent),
  ];
}, SYNTH_TIMEOUT_MS);

const coversAny = (statement: Json, wanted: string[]) =>
  actionsOf(statement).some((pattern) => wanted.some((action) => actionCovers(pattern, action)));

describe('who can read a number (docs/deploy.md)', () => {
  it('lets only the match and own-number roles decrypt numbers, api and match only answers (and rooms only messages), in every IAM policy of every stack', () => {
    // Prepare
    const decrypting = statements.filter(
      (s) => s.statement.Effect === 'Allow' && coversAny(s.statement, DECRYPT_CAPABLE),
    );
    const onKey = (key: string) => decrypting.filter((s) => flatten(s.statement.Resource).includes(key));
    const contextKeys = (statement: Json) =>
      statement.Condition?.['ForAllValues:StringEquals']?.['kms:EncryptionContextKeys'];

    // Act
    const numberRoles = new Set(
      onKey('NumberKey')
        .filter((s) => flatten(contextKeys(s.statement)) === flatten(['sessionId', 'side', 'seq']))
        .map((s) => s.role),
    );
    const answerRoles = new Set(
      onKey('NumberKey')
        .filter((s) => s.statement.Condition?.StringEquals?.['kms:EncryptionContext:kind'] === 'answer')
        .map((s) => s.role),
    );
    const messageRoles = new Set(onKey('MessagesKey').map((s) => s.role));

    // Assess: every decryption under the number key is bound either to a number's context or to
    // an answer's (`kind = answer`, which no number's context carries)
    expect(numberRoles).toEqual(new Set(['match', 'own-number']));
    expect(answerRoles).toEqual(new Set(['api', 'match']));
    expect(onKey('NumberKey')).toHaveLength(4);
    expect(messageRoles).toEqual(new Set(['rooms']));
    for (const { statement } of onKey('NumberKey')) expect(actionsOf(statement)).toEqual(['kms:Decrypt']);
    for (const { statement } of onKey('MessagesKey')) {
      expect(actionsOf(statement)).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
    }
    // Every decrypt-capable statement names one key, by reference: no `*`, nothing else.
    for (const { statement } of decrypting) {
      expect(asArray(statement.Resource).map(flatten)).toEqual([
        expect.stringMatching(/^\{import:[^}]*(NumberKey|MessagesKey)[^}]*\}$/),
      ]);
    }
    expect(decrypting).toHaveLength(onKey('NumberKey').length + onKey('MessagesKey').length);
  });

  it('grants no role a wildcard action and attaches no managed policy', () => {
    // Prepare
    const roles = [
      ...resources(app.templates.stateful, 'AWS::IAM::Role'),
      ...resources(app.templates.stateless, 'AWS::IAM::Role'),
      ...resources(app.templates.iamAudit, 'AWS::IAM::Role'),
    ];

    // Act
    const wildcardActions = statements
      .flatMap((s) => actionsOf(s.statement))
      .filter((a) => a === '*' || a.endsWith(':*'));
    const managed = roles.flatMap(([, role]) => asArray(role.Properties?.ManagedPolicyArns));

    // Assess
    expect(wildcardActions).toEqual([]);
    expect(managed).toEqual([]);
    expect(resources(app.templates.stateless, 'AWS::IAM::ManagedPolicy')).toEqual([]);
  });

  it('lets the key policy decrypt only for principals whose ARN is the match or own-number role, and for api only answers', () => {
    // Prepare
    const [[, key]] = resources(app.templates.stateful, 'AWS::KMS::Key') as [[string, Json]];
    const policy = key.Properties.KeyPolicy.Statement as Json[];

    // Act
    const decrypting = policy.filter(
      (s) => s.Effect === 'Allow' && coversAny(s, [...DECRYPT_CAPABLE, 'kms:ReEncryptTo']),
    );
    const wildcards = policy.filter((s) => actionsOf(s).some((a) => a === '*' || a === 'kms:*'));

    // Assess
    expect(wildcards).toEqual([]);
    expect(decrypting).toHaveLength(2);
    const [numbers, answers] = decrypting;
    expect(actionsOf(numbers)).toEqual(['kms:Decrypt']);
    expect(Object.keys(numbers.Condition)).toEqual(['ArnEquals']);
    expect(Object.keys(numbers.Condition.ArnEquals)).toEqual(['aws:PrincipalArn']);
    expect(asArray(numbers.Condition.ArnEquals['aws:PrincipalArn']).map(flatten)).toEqual([
      'arn:{AWS::Partition}:iam::{AWS::AccountId}:role/Backchannel-dev-match-{AWS::Region}',
      'arn:{AWS::Partition}:iam::{AWS::AccountId}:role/Backchannel-dev-own-number-{AWS::Region}',
    ]);
    // The api role: only under an answer's context (`kind = answer`; a number's has no `kind`).
    expect(actionsOf(answers)).toEqual(['kms:Decrypt']);
    expect(answers.Condition).toEqual({
      ArnEquals: { 'aws:PrincipalArn': expect.anything() },
      StringEquals: { 'kms:EncryptionContext:kind': 'answer' },
    });
    expect(asArray(answers.Condition.ArnEquals['aws:PrincipalArn']).map(flatten)).toEqual([
      'arn:{AWS::Partition}:iam::{AWS::AccountId}:role/Backchannel-dev-api-{AWS::Region}',
    ]);
  });

  it('names the match and own-number roles exactly as the key policy expects', () => {
    // Prepare
    const names = resources(app.templates.stateless, 'AWS::IAM::Role').map(([, r]) =>
      flatten(r.Properties.RoleName),
    );

    // Act / Assess
    expect(names).toContain('Backchannel-dev-match-{AWS::Region}');
    expect(names).toContain('Backchannel-dev-own-number-{AWS::Region}');
  });

  it('gives submit-number kms:Encrypt only, bound to the encryption context, and api nothing but opening answers', () => {
    // Prepare
    const kms = (role: string) =>
      allowedActions(statements, role).filter((a) => a.toLowerCase().startsWith('kms:'));
    const encrypt = statements.find(
      (s) => s.role === 'submit-number' && actionsOf(s.statement).includes('kms:Encrypt'),
    );

    // Act / Assess: submit-number seals numbers and answers, each under its own context
    expect(kms('submit-number')).toEqual(['kms:Encrypt', 'kms:Encrypt']);
    expect(kms('api')).toEqual(['kms:Decrypt']);
    for (const role of ['notify', 'phase-timer', 'reconciler', 'scheduler']) expect(kms(role)).toEqual([]);
    expect(encrypt?.statement.Condition['ForAllValues:StringEquals']['kms:EncryptionContextKeys']).toEqual([
      'sessionId',
      'side',
      'seq',
    ]);
  });

  /** The roles whose IAM policies allow GetSecretValue on the secret (or on every resource). */
  const readersOf = (secretId: string) =>
    new Set(
      statements
        .filter(
          (s) =>
            (s.statement.Effect ?? 'Allow') === 'Allow' &&
            coversAny(s.statement, ['secretsmanager:GetSecretValue']) &&
            asArray<Json>(s.statement.Resource).some(
              (r) => flatten(r) === '*' || flatten(r).includes(secretId),
            ),
        )
        .map((s) => s.role),
    );
  /** The Deny statements of the secret's resource policy (the secret's logical id starts with `secretId`). */
  const denyOf = (secretId: string): Json[] => {
    const policies = resources(app.templates.stateful, 'AWS::SecretsManager::ResourcePolicy').filter(
      ([, policy]) => policy.Properties.SecretId.Ref?.startsWith(secretId),
    );
    expect(policies).toHaveLength(1);
    return policies[0]![1].Properties.ResourcePolicy.Statement as Json[];
  };
  const role = (fn: string) =>
    `arn:{AWS::Partition}:iam::{AWS::AccountId}:role/Backchannel-dev-${fn}-{AWS::Region}`;

  it.each([
    ['FingerprintSecret', ['api', 'submit-number']],
    ['InvitationSecret', ['api', 'notify']],
  ])(
    'lets only its readers read %s: IAM grants and a resource policy denying everyone else',
    (secretId, readers) => {
      // Prepare
      const granted = readersOf(secretId);
      const [deny, ...others] = denyOf(secretId);

      // Act / Assess
      expect(granted).toEqual(new Set(readers));
      expect(others).toEqual([]);
      expect(deny.Effect).toBe('Deny');
      expect(deny.Principal).toEqual({ AWS: '*' });
      expect(asArray(deny.Resource)).toEqual(['*']);
      expect(actionsOf(deny)).toEqual(['secretsmanager:GetSecretValue']);
      expect(Object.keys(deny.Condition)).toEqual(['ArnNotEquals']);
      expect(deny.Condition.ArnNotEquals['aws:PrincipalArn'].map(flatten)).toEqual(readers.map(role));
    },
  );

  it('keeps the fingerprint key from notify (it could brute-force PUT /number fingerprints)', () => {
    // Prepare
    const [deny] = denyOf('FingerprintSecret');
    const notifySecrets = statements
      .filter((s) => s.role === 'notify' && coversAny(s.statement, ['secretsmanager:GetSecretValue']))
      .flatMap((s) => asArray<Json>(s.statement.Resource).map(flatten));

    // Act / Assess
    expect(readersOf('FingerprintSecret').has('notify')).toBe(false);
    expect(deny.Condition.ArnNotEquals['aws:PrincipalArn'].map(flatten)).not.toContain(role('notify'));
    expect(notifySecrets).toHaveLength(1);
    expect(notifySecrets[0]).toMatch(/InvitationSecret/);
  });

  it('keeps the invitation key from submit-number', () => {
    // Prepare
    const [deny] = denyOf('InvitationSecret');

    // Act / Assess
    expect(readersOf('InvitationSecret').has('submit-number')).toBe(false);
    expect(deny.Condition.ArnNotEquals['aws:PrincipalArn'].map(flatten)).not.toContain(role('submit-number'));
  });

  it('gives no other role any Secrets Manager read', () => {
    // Act
    const readers = new Set(
      statements.filter((s) => coversAny(s.statement, ['secretsmanager:GetSecretValue'])).map((s) => s.role),
    );

    // Assess
    expect(readers).toEqual(new Set(['api', 'submit-number', 'notify']));
  });
});

/**
 * A small evaluator of the condition operators the number key's policies use, to ask "may this
 * role decrypt under this encryption context?" of the synthesized policies: allowed only when an
 * Allow statement of the role's IAM policies and one of the key policy both match.
 */
type Context = Record<string, string>;

function conditionHolds(condition: Json | undefined, principalArn: string, context: Context): boolean {
  const value = (key: string): string | string[] | undefined => {
    if (key === 'aws:PrincipalArn') return principalArn;
    if (key === 'kms:EncryptionContextKeys') return Object.keys(context);
    const name = /^kms:EncryptionContext:(.+)$/.exec(key)?.[1];
    return name === undefined ? undefined : context[name];
  };
  const like = (pattern: string, text: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(text);
  return Object.entries((condition ?? {}) as Record<string, Record<string, Json>>).every(
    ([operator, tests]) =>
      Object.entries(tests).every(([key, expected]) => {
        const wanted = asArray<Json>(expected).map(flatten);
        const actual = value(key);
        switch (operator) {
          case 'ForAllValues:StringEquals':
            return asArray(actual).every((v) => wanted.includes(v));
          case 'Null':
            return (actual === undefined || asArray(actual).length === 0) === (wanted[0] === 'true');
          case 'StringEquals':
          case 'ArnEquals':
            return typeof actual === 'string' && wanted.includes(actual);
          case 'StringLike':
            return typeof actual === 'string' && wanted.some((w) => like(w, actual));
          default:
            throw new Error(`no evaluator for ${operator}`);
        }
      }),
  );
}

describe('who can read an answer to a proposal (docs/rules.md, "Double-blind proposals")', () => {
  const principal = (fn: string) =>
    `arn:{AWS::Partition}:iam::{AWS::AccountId}:role/Backchannel-dev-${fn}-{AWS::Region}`;
  const mayDecrypt = (fn: string, context: Context): boolean => {
    const [[, key]] = resources(app.templates.stateful, 'AWS::KMS::Key') as [[string, Json]];
    const keyPolicy = key.Properties.KeyPolicy.Statement as Json[];
    const byIam = statements.some(
      (s) =>
        s.role === fn &&
        (s.statement.Effect ?? 'Allow') === 'Allow' &&
        coversAny(s.statement, ['kms:Decrypt']) &&
        flatten(s.statement.Resource).includes('NumberKey') &&
        conditionHolds(s.statement.Condition, principal(fn), context),
    );
    const byKeyPolicy = keyPolicy.some(
      (s) =>
        s.Effect === 'Allow' &&
        coversAny(s, ['kms:Decrypt']) &&
        conditionHolds(s.Condition, principal(fn), context),
    );
    return byIam && byKeyPolicy;
  };
  const NUMBER = { sessionId: 'S1', side: 'claimant', seq: '4' };
  const ANSWER = { sessionId: 'S1', side: 'claimant', proposal: '2', kind: 'answer' };

  it('lets the api role open an answer but never a number', () => {
    // Act
    const answer = mayDecrypt('api', ANSWER);
    const number = mayDecrypt('api', NUMBER);
    const numberCalledAnAnswer = mayDecrypt('api', { ...NUMBER, kind: 'answer' });
    const numberWithAnotherKind = mayDecrypt('api', { ...NUMBER, proposal: '2', kind: 'number' });

    // Assess
    expect(answer).toBe(true);
    expect(number).toBe(false);
    expect(numberCalledAnAnswer).toBe(false);
    expect(numberWithAnotherKind).toBe(false);
  });

  it('lets match open both, own-number only numbers, and nobody else either', () => {
    // Act
    const who = (context: Context) => FUNCTIONS.filter((fn) => mayDecrypt(fn, context));

    // Assess
    expect(who(NUMBER)).toEqual(['own-number', 'match']);
    expect(who(ANSWER)).toEqual(['api', 'match']);
  });

  it('lets only submit-number seal an answer, under an answer’s context only', () => {
    // Prepare
    const sealing = statements.filter(
      (s) =>
        (s.statement.Effect ?? 'Allow') === 'Allow' &&
        coversAny(s.statement, ['kms:Encrypt']) &&
        s.statement.Condition?.StringEquals?.['kms:EncryptionContext:kind'] === 'answer',
    );

    // Act / Assess
    expect(sealing.map((s) => s.role)).toEqual(['submit-number']);
    expect(sealing[0]!.statement.Condition['ForAllValues:StringEquals']['kms:EncryptionContextKeys']).toEqual(
      ['sessionId', 'side', 'proposal', 'kind'],
    );
  });
});

describe('who can read a room message', () => {
  /** Every action that uses a key's material: to seal, to open, to re-wrap or to delegate. */
  const KEY_USE = [
    'kms:Encrypt',
    'kms:Decrypt',
    'kms:ReEncryptFrom',
    'kms:ReEncryptTo',
    'kms:GenerateDataKey',
    'kms:GenerateDataKeyWithoutPlaintext',
    'kms:GenerateDataKeyPair',
    'kms:CreateGrant',
  ];
  const keyPolicy = (idPrefix: string): Json[] => {
    const keys = resources(app.templates.stateful, 'AWS::KMS::Key').filter(([id]) => id.startsWith(idPrefix));
    expect(keys).toHaveLength(1);
    return keys[0]![1].Properties.KeyPolicy.Statement as Json[];
  };
  const rolesNamed = (statement: Json) =>
    asArray(statement.Condition?.ArnEquals?.['aws:PrincipalArn']).map(flatten);
  const role = (fn: string) =>
    `arn:{AWS::Partition}:iam::{AWS::AccountId}:role/Backchannel-dev-${fn}-{AWS::Region}`;

  it('lets the messages key policy allow use by principals whose ARN is the rooms role, and no one else', () => {
    // Prepare
    const policy = keyPolicy('MessagesKey');

    // Act
    const using = policy.filter((s) => s.Effect === 'Allow' && coversAny(s, KEY_USE));
    const wildcards = policy.filter((s) => actionsOf(s).some((a) => a === '*' || a === 'kms:*'));

    // Assess
    expect(wildcards).toEqual([]);
    expect(policy.map((s) => s.Sid)).toEqual(['KeyAdministrationWithoutUse', 'EnvelopeOnlyRooms']);
    expect(using).toHaveLength(1);
    expect(actionsOf(using[0])).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
    expect(Object.keys(using[0].Condition)).toEqual(['ArnEquals']);
    expect(rolesNamed(using[0])).toEqual([role('rooms')]);
  });

  it('gives the rooms role data keys and decryption under the messages key only, bound to {sessionId, room}', () => {
    // Prepare
    const kmsStatements = statements.filter((s) => actionsOf(s.statement).some((a) => a.startsWith('kms:')));

    // Act
    const onMessagesKey = statements.filter((s) => flatten(s.statement.Resource).includes('MessagesKey'));
    const rooms = kmsStatements.filter((s) => s.role === 'rooms');

    // Assess
    expect(new Set(onMessagesKey.map((s) => s.role))).toEqual(new Set(['rooms']));
    expect(rooms).toHaveLength(1);
    const [{ statement }] = rooms as [RoleStatement];
    expect(actionsOf(statement)).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
    expect(flatten(statement.Resource)).toMatch(/^\{import:[^}]*MessagesKey[^}]*\}$/);
    expect(statement.Condition['ForAllValues:StringEquals']['kms:EncryptionContextKeys']).toEqual([
      'sessionId',
      'room',
    ]);
    expect(statement.Condition.Null).toEqual({ 'kms:EncryptionContextKeys': 'false' });
    expect(statement.Condition.StringEquals['kms:EncryptionContext:room']).toEqual([
      'claimant',
      'respondent',
      'caucus-claimant',
      'caucus-respondent',
      'joint',
    ]);
    expect(statement.Condition.StringLike).toEqual({ 'kms:EncryptionContext:sessionId': '?*' });
  });

  it('keeps the number key from the rooms role, in its IAM policy and in the key policy', () => {
    // Prepare
    const numberPolicy = keyPolicy('NumberKey');
    const roomsKms = statements.filter(
      (s) =>
        s.role === 'rooms' && (s.statement.Effect ?? 'Allow') === 'Allow' && coversAny(s.statement, KEY_USE),
    );

    // Act
    const numberUsers = numberPolicy.filter((s) => s.Effect === 'Allow' && coversAny(s, KEY_USE));
    const roomsTargets = roomsKms.flatMap((s) => asArray<Json>(s.statement.Resource).map(flatten));

    // Assess
    for (const target of roomsTargets) {
      expect(target).not.toMatch(/NumberKey/);
      expect(target).not.toBe('*');
    }
    for (const statement of numberUsers.filter((s) => s.Condition)) {
      expect(rolesNamed(statement)).not.toContain(role('rooms'));
    }
    // The number key lets nobody generate data keys, and decrypts only for its two roles (and
    // for api, answers only).
    expect(numberUsers.filter((s) => coversAny(s, ['kms:GenerateDataKey']))).toEqual([]);
    expect(numberUsers.filter((s) => coversAny(s, ['kms:Decrypt'])).flatMap(rolesNamed)).toEqual([
      role('match'),
      role('own-number'),
      role('api'),
    ]);
  });

  it('names the rooms role exactly as the messages key policy expects', () => {
    // Prepare
    const names = resources(app.templates.stateless, 'AWS::IAM::Role').map(([, r]) =>
      flatten(r.Properties.RoleName),
    );

    // Act / Assess
    expect(names).toContain('Backchannel-dev-rooms-{AWS::Region}');
  });
});

describe('table access per function', () => {
  const expected: Record<string, string[]> = {
    api: ['BatchGetItem', 'ConditionCheckItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    // BatchGetItem: the display names in the view an answer returns.
    'submit-number': [
      'BatchGetItem',
      'ConditionCheckItem',
      'DeleteItem',
      'GetItem',
      'PutItem',
      'Query',
      'UpdateItem',
    ],
    'own-number': ['GetItem', 'Query'],
    match: ['ConditionCheckItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    notify: ['BatchGetItem', 'GetItem', 'Query', 'UpdateItem'],
    'phase-timer': ['ConditionCheckItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    reconciler: [
      'BatchGetItem',
      'ConditionCheckItem',
      'DeleteItem',
      'GetItem',
      'PutItem',
      'Query',
      'UpdateItem',
    ],
    rooms: ['BatchGetItem', 'ConditionCheckItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    // One read of the session item: the calendar writes nothing and opens nothing.
    calendar: ['GetItem'],
  };

  it.each(FUNCTIONS)('gives %s exactly the item actions it needs', (fn) => {
    // Prepare
    const actions = allowedActions(statements, fn).filter(
      (a) => a.startsWith('dynamodb:') && !STREAM_ACTIONS.includes(a),
    );

    // Act
    const unique = [...new Set(actions.map((a) => a.replace('dynamodb:', '')))].sort();

    // Assess
    expect(unique).toEqual(expected[fn]);
  });

  it('lets only api (byUser, byInviteToken) and reconciler (byWork) query indexes, each by name', () => {
    // Prepare
    const indexStatements = statements.filter((s) => flatten(s.statement.Resource).includes('/index/'));

    // Act
    const byRole = Object.fromEntries(
      indexStatements.map((s) => [
        s.role,
        asArray(s.statement.Resource)
          .map(flatten)
          .map((r) => r.split('/index/')[1]),
      ]),
    );

    // Assess
    expect(byRole).toEqual({ api: ['byUser', 'byInviteToken'], reconciler: ['byWork'] });
    for (const s of indexStatements) expect(actionsOf(s.statement)).toEqual(['dynamodb:Query']);
  });

  it('gives no one Scan, BatchWriteItem or table management', () => {
    // Prepare
    const forbidden = [
      'dynamodb:Scan',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteTable',
      'dynamodb:UpdateTable',
    ];

    // Act
    const offending = statements.filter((s) => coversAny(s.statement, forbidden));

    // Assess
    expect(offending).toEqual([]);
  });

  it('lets only the stream consumers read the stream', () => {
    // Prepare / Act
    const readers = new Set(
      statements.filter((s) => coversAny(s.statement, STREAM_ACTIONS)).map((s) => s.role),
    );

    // Assess
    expect(readers).toEqual(new Set(['match', 'notify']));
  });
});

describe('schedules and email', () => {
  it('lets the Scheduler role invoke phase-timer and nothing else', () => {
    // Prepare
    const own = statements.filter((s) => s.role === 'scheduler');
    const invokers = new Set(
      statements.filter((s) => coversAny(s.statement, ['lambda:InvokeFunction'])).map((s) => s.role),
    );

    // Act
    const summary = own.map((s) => [actionsOf(s.statement), flatten(s.statement.Resource)]);

    // Assess
    expect(invokers).toEqual(new Set(['scheduler']));
    expect(summary).toEqual([
      [['lambda:InvokeFunction'], '{PhaseTimerFunction1441CEF5.Arn}'],
      [['sqs:SendMessage'], '{SchedulerDeadLetterQueueFA1FB96A.Arn}'],
    ]);
  });

  it('lets only scheduler.amazonaws.com assume the Scheduler role, for this account and schedule group', () => {
    // Prepare
    const [[, role]] = resources(app.templates.stateless, 'AWS::IAM::Role').filter(([, r]) =>
      flatten(r.Properties.RoleName).includes('-scheduler-'),
    ) as [[string, Json]];

    // Act
    const [trust] = role.Properties.AssumeRolePolicyDocument.Statement as Json[];

    // Assess
    expect(trust.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(trust.Condition.ArnEquals['aws:SourceArn']).toEqual({ 'Fn::GetAtt': ['ScheduleGroup', 'Arn'] });
  });

  it('scopes iam:PassRole to the Scheduler role, for Scheduler, for notify and reconciler only', () => {
    // Prepare
    const passing = statements.filter((s) => coversAny(s.statement, ['iam:PassRole']));

    // Act / Assess
    expect(new Set(passing.map((s) => s.role))).toEqual(new Set(['notify', 'reconciler']));
    for (const { statement } of passing) {
      expect(flatten(statement.Resource)).toBe('{SchedulerRole59E73443.Arn}');
      expect(statement.Condition).toEqual({
        StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
      });
    }
  });

  it('limits schedule actions to the stage group, for notify and reconciler only', () => {
    // Prepare
    const scheduling = statements.filter((s) =>
      actionsOf(s.statement).some((a) => a.startsWith('scheduler:')),
    );

    // Act
    const byRole = Object.fromEntries(scheduling.map((s) => [s.role, actionsOf(s.statement)]));

    // Assess
    expect(byRole).toEqual({
      notify: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
      reconciler: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
    });
    for (const s of scheduling) {
      expect(flatten(s.statement.Resource)).toBe(
        'arn:{AWS::Partition}:scheduler:{AWS::Region}:{AWS::AccountId}:schedule/backchannel-dev/*',
      );
    }
  });

  it('lets only notify send email, from the sender address', () => {
    // Prepare
    const sending = statements.filter((s) => actionsOf(s.statement).some((a) => a.startsWith('ses:')));

    // Act / Assess
    expect(sending.map((s) => s.role)).toEqual(['notify']);
    expect(actionsOf(sending[0]!.statement)).toEqual(['ses:SendEmail']);
    expect(sending[0]!.statement.Condition).toEqual({
      StringEquals: { 'ses:FromAddress': 'no-reply@example.com' },
    });
  });
});
