import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOVERN_SERVICES, HealthCheckResponse_ServingStatus, HealthDefinition } from '@govern/contracts-common';
import { MerchantAccessServiceDefinition, merchantAccessPolicy } from '@govern/contracts-merchant-access';
import { createChannel, createClientFactory, createServer, Metadata, type Channel, type Client, type Server } from 'nice-grpc';
import { errorDetailsClientMiddleware, errorDetailsServerMiddleware, RichClientError } from 'nice-grpc-error-details';
import type { RateLimiter } from '../authorization/rate-limiter';
import { ensureDevPki, type DevPki } from '../dev/dev-pki';
import { DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER } from '../dev/dev-tokens';
import { authorizationMiddleware } from '../grpc/authorization.middleware';
import { callerIdentityMiddleware } from '../grpc/caller-identity.middleware';
import type { Caller } from '../identity/caller';
import { peerIdentityInterceptor } from '../identity/peer-identity';
import { createTokenVerifier } from '../identity/token-verifier';
import { channelOptionsFor, createChannelCredentials, createServerCredentials, type ClientTransport } from '../tls/grpc-credentials';
import type { TransportSecurity } from '../tls/tls-material';

/**
 * A real gRPC server wired the way platform-grpc will wire it (interceptor, identity,
 * authorization, error details) serving merchant-access's contract with its table.
 * Every handler answers `{}` and records who called, so tests can call any RPC.
 */
export interface SecureTestServer {
  address: string;
  callers: Caller[];
  close(): Promise<void>;
}

export const startSecureServer = async (options: {
  pki: DevPki;
  security?: TransportSecurity;
  clientAuth?: 'optional' | 'required';
  rateLimiter?: RateLimiter;
}): Promise<SecureTestServer> => {
  const { pki } = options;
  const callers: Caller[] = [];
  const security: TransportSecurity = options.security ?? {
    mode: 'tls',
    material: pki.identity('merchant-access').material,
    clientAuth: options.clientAuth ?? 'optional',
    identity: { subject: '', subjectAltName: '', validTo: new Date() },
  };
  const tokens = createTokenVerifier({
    issuer: DEV_TOKEN_ISSUER,
    audience: DEV_TOKEN_AUDIENCE,
    keys: { file: pki.jwksFile },
    certificateOnlyWorkloads: GOVERN_SERVICES,
  });
  const server: Server = createServer({ interceptors: [peerIdentityInterceptor()] })
    .use(errorDetailsServerMiddleware)
    .use(callerIdentityMiddleware({ serviceName: 'merchant-access', tokens }))
    .use(
      authorizationMiddleware({
        serviceName: 'merchant-access',
        policies: [merchantAccessPolicy],
        ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
      }),
    );
  const recordCaller = async (_request: unknown, context: { caller: Caller }): Promise<object> => {
    callers.push(context.caller);
    return {};
  };
  const anyMethod = new Proxy({}, { get: () => recordCaller });
  server.add(MerchantAccessServiceDefinition, anyMethod as never);
  server.add(HealthDefinition, {
    check: async () => ({ status: HealthCheckResponse_ServingStatus.SERVING }),
    async *watch() {
      yield { status: HealthCheckResponse_ServingStatus.SERVING };
    },
    list: async () => ({ statuses: {} }),
  });
  const port = await server.listen('127.0.0.1:0', createServerCredentials(security));
  return { address: `127.0.0.1:${port}`, callers, close: () => server.shutdown() };
};

export interface TestClients {
  merchantAccess: Client<typeof MerchantAccessServiceDefinition>;
  health: Client<typeof HealthDefinition>;
  channel: Channel;
}

export const connect = (address: string, transport: ClientTransport, token?: string): TestClients => {
  const channel = createChannel(address, createChannelCredentials(transport), channelOptionsFor(transport));
  const factory = createClientFactory().use(errorDetailsClientMiddleware);
  const metadata = token === undefined ? undefined : Metadata({ authorization: token.startsWith('Bearer') || token === '' ? token : `Bearer ${token}` });
  const defaults = metadata ? { '*': { metadata } } : {};
  return {
    merchantAccess: factory.create(MerchantAccessServiceDefinition, channel, defaults),
    health: factory.create(HealthDefinition, channel, defaults),
    channel,
  };
};

/** A client with `name`'s certificate from `pki` (or none), trusting `pki`'s CA. */
export const tlsTransport = (pki: DevPki, name?: string, trust: Buffer = pki.ca): ClientTransport => {
  if (!name) return { mode: 'tls', options: { ca: trust } };
  const { cert, key } = pki.identity(name).material;
  return { mode: 'tls', options: { ca: trust, cert, key } };
};

export interface CallOutcome {
  code: number;
  reason?: string;
  metadata?: Record<string, string>;
  retryDelayMs?: number;
  requestId?: string;
}

/** Runs a call; resolves to its status and the ErrorInfo/RetryInfo details it carried. */
export const outcomeOf = async (call: Promise<unknown>): Promise<CallOutcome> => {
  try {
    await call;
    return { code: 0 };
  } catch (error) {
    if (!(error instanceof RichClientError) && !(error instanceof Error && 'code' in error)) throw error;
    const outcome: CallOutcome = { code: (error as { code: number }).code };
    for (const detail of error instanceof RichClientError ? error.extra : []) {
      if (detail.$type === 'google.rpc.ErrorInfo') Object.assign(outcome, { reason: detail.reason, metadata: detail.metadata });
      if (detail.$type === 'google.rpc.RetryInfo' && detail.retryDelay) {
        outcome.retryDelayMs = Number(detail.retryDelay.seconds) * 1000 + detail.retryDelay.nanos / 1e6;
      }
      if (detail.$type === 'google.rpc.RequestInfo') outcome.requestId = detail.requestId;
    }
    return outcome;
  }
};

export const withTempDir = async (prefix: string): Promise<{ dir: string; remove(): Promise<void> }> => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
};

export const makePki = (dir: string, extra: { services?: string[]; clients?: string[] } = {}): Promise<DevPki> =>
  ensureDevPki({ dir, services: ['merchant-access', 'content', ...(extra.services ?? [])], clients: ['cli', 'traffic', 'listing', ...(extra.clients ?? [])] });
