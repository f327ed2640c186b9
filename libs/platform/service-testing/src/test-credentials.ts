import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkTlsMaterial,
  createTokenVerifier,
  DEV_TOKEN_AUDIENCE,
  DEV_TOKEN_ISSUER,
  devTokenProvider,
  devTokenProviderByPolicy,
  ensureDevPki,
  GOVERN_SERVICES,
  PLATFORM_CALLERS,
  type ClientTransport,
  type DevPki,
  type PolicyTable,
  type TokenProvider,
  type TokenVerifier,
  type TransportSecurity,
} from '@govern/platform-auth';

/**
 * Credentials of integration tests, made the way embedded mode makes them: one development CA
 * per test process (a temp dir, removed at exit), a certificate per Govern service and platform
 * caller, and dev tokens the services verify with the real verifier. Nothing bypasses the checks:
 * a test's client carries a token or certificate like any caller.
 */
let pki: Promise<DevPki> | undefined;

export const testPki = (): Promise<DevPki> => {
  pki ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'govern-test-pki-'));
    process.once('exit', () => void rm(dir, { recursive: true, force: true }));
    return ensureDevPki({ dir, services: GOVERN_SERVICES, clients: ['cli', ...Object.values(PLATFORM_CALLERS)] });
  })();
  return pki;
};

/** A service's TLS as `runServiceProcess` would load it from TLS_CERT/TLS_KEY/TLS_CA. */
export const serverTransportOf = (from: DevPki, service: string): TransportSecurity => {
  const material = from.identity(service).material;
  return { mode: 'tls', material, clientAuth: 'optional', identity: checkTlsMaterial(material) };
};

export const devTokenVerifier = (from: DevPki): TokenVerifier =>
  createTokenVerifier({ issuer: DEV_TOKEN_ISSUER, audience: DEV_TOKEN_AUDIENCE, keys: { file: from.jwksFile }, certificateOnlyWorkloads: GOVERN_SERVICES });

/**
 * Who a test client calls as:
 * - `{}` (default): for each RPC, the caller the service's policy names for it — the first
 *   platform caller of the rule as a system token, else a person holding its first role;
 * - `{ roles }`: a person (`subject`, default `test-person`) with these roles;
 * - `{ system }`: a platform system by its client-credentials token;
 * - `{ service }`: a Govern service by its client certificate (mutual TLS);
 * - `{ anonymous: true }`: TLS without certificate or token.
 */
export type TestCaller = { roles: readonly string[]; subject?: string } | { system: string } | { service: string } | { anonymous: true } | Record<string, never>;

export interface TestClientCredentials {
  transport: ClientTransport;
  token?: TokenProvider;
}

const tokenCache = () => {
  const providers = new Map<string, TokenProvider>();
  return (key: string, make: () => TokenProvider): Promise<string> | string => {
    let provider = providers.get(key);
    if (!provider) providers.set(key, (provider = make()));
    return provider();
  };
};

export const testClientCredentials = (from: DevPki, caller: TestCaller, policies: PolicyTable): TestClientCredentials => {
  const trustOnly: ClientTransport = { mode: 'tls', options: { ca: from.ca } };
  const cached = tokenCache();
  const person = (subject: string, roles: readonly string[]) => cached(`person:${subject}:${roles.join(',')}`, () => devTokenProvider(from.signingKeyFile, { subject, roles }));
  const system = (name: string) => cached(`system:${name}`, () => devTokenProvider(from.signingKeyFile, { subject: name, kind: 'system' }));
  if ('anonymous' in caller) return { transport: trustOnly };
  if ('service' in caller) {
    const { cert, key } = from.identity(caller.service).material;
    return { transport: { mode: 'tls', options: { ca: from.ca, cert, key } } };
  }
  if ('system' in caller) return { transport: trustOnly, token: () => system(caller.system) };
  if ('roles' in caller) return { transport: trustOnly, token: () => person(caller.subject ?? 'test-person', caller.roles) };
  return { transport: trustOnly, token: devTokenProviderByPolicy(from.signingKeyFile, policies, { personPrefix: 'test' }) };
};
