import { createUser } from '@nats-io/nkeys';
import { ConfigError } from '@govern/platform-core';
import { describe, expect, it } from 'vitest';
import { natsConnectionAuth } from './nats-credentials';

describe('NATS credentials from settings', () => {
  it('an NKey seed gives an authenticator and the service’s own inbox prefix', () => {
    const seed = new TextDecoder().decode(createUser().getSeed());
    const auth = natsConnectionAuth({ NATS_NKEY_SEED: seed }, 'product_quality');
    expect(auth.inboxPrefix).toBe('_INBOX.product_quality');
    expect(typeof auth.authenticator).toBe('function');
  });

  it('refuses a malformed seed, both kinds of credentials at once, and a user without a password, naming the setting', () => {
    expect(() => natsConnectionAuth({ NATS_NKEY_SEED: 'SUnot-a-seed' }, 'content')).toThrow(ConfigError);
    expect(() => natsConnectionAuth({ NATS_NKEY_SEED: '/nonexistent/seed' }, 'content')).toThrow(/NATS_NKEY_SEED: neither/);
    expect(() => natsConnectionAuth({ NATS_NKEY_SEED: new TextDecoder().decode(createUser().getSeed()), NATS_USER: 'x', NATS_PASSWORD: 'y' }, 'content')).toThrow(/not both/);
    expect(() => natsConnectionAuth({ NATS_USER: 'content' }, 'content')).toThrow(/NATS_PASSWORD: required/);
  });

  it('without credentials connects anonymously (a development server), still on its own inbox', () => {
    expect(natsConnectionAuth({}, 'content')).toEqual({ inboxPrefix: '_INBOX.content' });
  });
});
