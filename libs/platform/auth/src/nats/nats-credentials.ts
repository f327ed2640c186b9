import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '@govern/platform-core';
import { nkeyAuthenticator, usernamePasswordAuthenticator, type Authenticator } from '@nats-io/transport-node';
import { fromSeed } from '@nats-io/nkeys';
import { natsInboxPrefix } from './event-topology';

/**
 * How a service authenticates to NATS. Spread into an app's schema. NATS_NKEY_SEED is the
 * service's NKey user seed (`SU…`) or the path of a file holding it; NATS_USER/NATS_PASSWORD
 * are for servers configured with passwords. None of them: anonymous (a development server).
 */
export const natsCredentialSettings = {
  NATS_NKEY_SEED: z.string().min(1).optional(),
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
};

export type NatsCredentialSettings = z.infer<z.ZodObject<typeof natsCredentialSettings>>;

export interface NatsConnectionAuth {
  authenticator?: Authenticator;
  /** Must be used: the server lets the service subscribe to its own inbox only. */
  inboxPrefix: string;
}

const readSeed = (value: string): string => {
  const trimmed = value.trim();
  if (trimmed.startsWith('SU')) return trimmed;
  try {
    return readFileSync(trimmed, 'utf8').trim();
  } catch (error) {
    throw new ConfigError([`NATS_NKEY_SEED: neither an NKey user seed (SU…) nor a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`]);
  }
};

/**
 * Connection options for `@nats-io/transport-node`'s `connect` (merge them in). `service` is
 * the subject token of the service (`product_quality`), which names its inbox.
 */
export const natsConnectionAuth = (settings: NatsCredentialSettings, service: string): NatsConnectionAuth => {
  const inboxPrefix = natsInboxPrefix(service);
  if (settings.NATS_NKEY_SEED) {
    if (settings.NATS_USER || settings.NATS_PASSWORD) throw new ConfigError(['NATS_NKEY_SEED, NATS_USER: set one way of authenticating, not both']);
    const seed = readSeed(settings.NATS_NKEY_SEED);
    try {
      fromSeed(new TextEncoder().encode(seed)).getPublicKey();
    } catch {
      throw new ConfigError(['NATS_NKEY_SEED: not a valid NKey user seed']);
    }
    return { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)), inboxPrefix };
  }
  if (settings.NATS_USER || settings.NATS_PASSWORD) {
    if (!settings.NATS_USER || !settings.NATS_PASSWORD) throw new ConfigError([`${settings.NATS_USER ? 'NATS_PASSWORD' : 'NATS_USER'}: required with ${settings.NATS_USER ? 'NATS_USER' : 'NATS_PASSWORD'}`]);
    return { authenticator: usernamePasswordAuthenticator(settings.NATS_USER, settings.NATS_PASSWORD), inboxPrefix };
  }
  return { inboxPrefix };
};
