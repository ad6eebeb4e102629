/**
 * The composition root: builds adapters once per module (per Lambda container) from the
 * environment. The same code runs on AWS and locally; only the environment differs:
 *
 * | variable | AWS | local runtime |
 * |---|---|---|
 * | TABLE_NAME | the table | the local table |
 * | DYNAMODB_ENDPOINT | — | DynamoDB Local |
 * | KEY_ID | the KMS key | — |
 * | LOCAL_SEALER_KEY_FILE | — | AES-256-GCM key file |
 * | FINGERPRINT_SECRET_ARN | Secrets Manager secret | — |
 * | FINGERPRINT_KEY_FILE | — | HMAC key file |
 * | SES_ENDPOINT | — | local SES v2 endpoint |
 */

import { dynamoDbDocumentClient, kmsClient, secretsManagerClient } from '../adapters/aws-clients';
import { optionalEnv, requiredEnv } from '../adapters/env';
import { FileFingerprintKey, SecretsManagerFingerprintKey } from '../adapters/fingerprint-key';
import { KmsSealer } from '../adapters/kms-sealer';
import { LocalSealer } from '../adapters/local-sealer';
import { InvitationTokens } from '../app/invitation-token';
import { SessionStore } from '../app/session-store';
import { Idempotency } from '../http/idempotency';
import type { FingerprintKey, Sealer } from '../ports';

export function documentClient() {
  const endpoint = optionalEnv('DYNAMODB_ENDPOINT');
  return dynamoDbDocumentClient(endpoint ? { endpoint } : {});
}

export function sessionStore(): SessionStore {
  return new SessionStore(documentClient(), requiredEnv('TABLE_NAME'));
}

export function fingerprintKey(): FingerprintKey {
  const file = optionalEnv('FINGERPRINT_KEY_FILE');
  if (file) return new FileFingerprintKey(file);
  return new SecretsManagerFingerprintKey({
    client: secretsManagerClient(),
    secretId: requiredEnv('FINGERPRINT_SECRET_ARN'),
  });
}

export function idempotency(key: FingerprintKey): Idempotency {
  return new Idempotency(documentClient(), requiredEnv('TABLE_NAME'), key);
}

export function invitationTokens(key: FingerprintKey): InvitationTokens {
  return new InvitationTokens(key);
}

/** The sealer: KMS on AWS, AES-256-GCM with a local key file locally. Loaded lazily, once. */
export function sealer(): Sealer {
  const file = optionalEnv('LOCAL_SEALER_KEY_FILE');
  if (!file) return new KmsSealer({ client: kmsClient(), keyId: requiredEnv('KEY_ID') });
  let local: Promise<LocalSealer> | undefined;
  const get = () => {
    local ??= LocalSealer.fromKeyFile(file);
    return local;
  };
  return {
    sealNumber: async (amount, context) => (await get()).sealNumber(amount, context),
    openNumber: async (sealed, context) => (await get()).openNumber(sealed, context),
  };
}
