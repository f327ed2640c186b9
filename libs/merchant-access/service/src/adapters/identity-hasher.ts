import { createHmac } from 'node:crypto';
import { identifierKey, type IdentifierKind } from '@govern/merchant-access-domain';
import { IDENTITY_HASH_KEY_MIN_LENGTH } from '../settings';

/**
 * Turns a normalised identifier into the only form the service keeps: HMAC-SHA256 under the
 * deployment's secret key, hex. Without the key nobody can test a guessed phone or ID number
 * against the stored hashes (a plain hash of an 11-digit phone is reversed by enumeration).
 */
export interface IdentityHasher {
  hash(kind: IdentifierKind, normalised: string): string;
}

export const createIdentityHasher = (key: string): IdentityHasher => {
  if (key.length < IDENTITY_HASH_KEY_MIN_LENGTH) {
    throw new Error(`the identity hash key must be at least ${IDENTITY_HASH_KEY_MIN_LENGTH} characters`);
  }
  return {
    hash: (kind, normalised) => createHmac('sha256', key).update(identifierKey(kind, normalised), 'utf8').digest('hex'),
  };
};
