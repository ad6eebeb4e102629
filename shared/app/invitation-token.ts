/**
 * Invitation tokens. The table stores only the SHA-256 of a token. The token itself is derived
 * from the invitation's id with the secret key (HMAC-SHA-256, 256 bits, base64url without
 * padding), so notify can put it in the email without the token ever being stored.
 */
import { createHash, createHmac } from 'node:crypto';
import type { FingerprintKey } from '../ports';

export class InvitationTokens {
  constructor(private readonly secret: FingerprintKey) {}

  async tokenFor(invitationId: string): Promise<string> {
    return createHmac('sha256', await this.secret.get())
      .update(`invitation-token\n${invitationId}`)
      .digest('base64url');
  }
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');
