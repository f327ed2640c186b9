import { describe, expect, it } from 'vitest';
import { createIdentityHasher } from './identity-hasher';

const KEY = 'unit-test-identity-hash-key-0123456789abcdef';

describe('identity hasher', () => {
  it('gives one hash per identifier, never the number itself', () => {
    const hasher = createIdentityHasher(KEY);
    const hash = hasher.hash('BANK_ACCOUNT', '6222021234567890128');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hasher.hash('BANK_ACCOUNT', '6222021234567890128')).toBe(hash);
    expect(hash).not.toContain('6222021234567890128');
  });

  it('depends on the key, so stored hashes cannot be matched by enumerating numbers without it', () => {
    const other = createIdentityHasher(`${KEY}-other`);
    expect(other.hash('PHONE', '13812345678')).not.toBe(createIdentityHasher(KEY).hash('PHONE', '13812345678'));
  });

  it('keeps kinds apart: the same digits as a phone and as an account do not meet', () => {
    const hasher = createIdentityHasher(KEY);
    expect(hasher.hash('PHONE', '13812345678')).not.toBe(hasher.hash('BANK_ACCOUNT', '13812345678'));
  });

  it('refuses a short key', () => {
    expect(() => createIdentityHasher('too-short')).toThrow(/at least 32/);
  });
});
