import {
  ChannelCredentials,
  experimental,
  ServerCredentials,
  type ChannelOptions,
} from '@grpc/grpc-js';
import type { TlsMaterial, TransportSecurity } from './tls-material';

type CertificateProvider = experimental.CertificateProvider;
type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/**
 * Material that never changes, in grpc-js' certificate-provider shape. Updates are delivered
 * on a microtask, as grpc-js' own file-watching provider delivers them asynchronously: the
 * server registers its watcher right after it subscribes, and would miss a synchronous update.
 */
const staticProvider = (material: TlsMaterial): CertificateProvider => ({
  addCaCertificateListener(listener: CaListener) {
    queueMicrotask(() => listener({ caCertificate: material.ca }));
  },
  // Nothing to unsubscribe: the material never changes, so no update is ever pending.
  removeCaCertificateListener: () => undefined,
  addIdentityCertificateListener(listener: IdentityListener) {
    queueMicrotask(() => listener({ certificate: material.cert, privateKey: material.key }));
  },
  removeIdentityCertificateListener: () => undefined,
});

/**
 * Server credentials for a Govern service. With TLS the server always asks for a client
 * certificate and verifies one that is presented against the CA:
 * - `optional`: a caller without a certificate still completes the handshake (people and
 *   external systems present a bearer token instead; the identity middleware then requires it);
 *   a certificate that does not chain to the CA proves nothing and the call needs a token.
 * - `required`: no handshake without a certificate from the CA.
 * grpc-js' `ServerCredentials.createSsl(…, false)` does not request client certificates at
 * all, so the optional mode goes through its certificate-provider credentials, which set
 * `requestCert: true, rejectUnauthorized: <required>`.
 */
export const createServerCredentials = (security: TransportSecurity): ServerCredentials => {
  if (security.mode === 'plaintext') return ServerCredentials.createInsecure();
  const provider = staticProvider(security.material);
  // grpc-js names this function's first parameter `caCertificateProvider`, but passes it on as
  // the identity provider (server-credentials.js): identity first, CA second.
  return experimental.createCertificateProviderServerCredentials(provider, provider, security.clientAuth === 'required');
};

export interface ClientTransportOptions {
  /** CA the server's certificate must chain to. */
  ca: Buffer;
  /** The caller's own certificate and key (services always present theirs; people may use a token instead). */
  cert?: Buffer;
  key?: Buffer;
  /**
   * The name the server's certificate must carry when it differs from the address dialled
   * (e.g. dialling an IP that is only a DNS SAN). Becomes `grpc.ssl_target_name_override`.
   */
  serverName?: string;
}

export type ClientTransport = { mode: 'tls'; options: ClientTransportOptions } | { mode: 'plaintext' };

/** Channel credentials for a client of a Govern service (server verified against `ca`; mutual TLS when a cert is given). */
export const createChannelCredentials = (transport: ClientTransport): ChannelCredentials => {
  if (transport.mode === 'plaintext') return ChannelCredentials.createInsecure();
  const { ca, cert, key } = transport.options;
  if ((cert === undefined) !== (key === undefined)) throw new Error('a client certificate needs its key (and a key its certificate)');
  return ChannelCredentials.createSsl(ca, key ?? null, cert ?? null);
};

/** Channel options that go with the credentials (the server-name override, when one is set). */
export const channelOptionsFor = (transport: ClientTransport): ChannelOptions =>
  transport.mode === 'tls' && transport.options.serverName ? { 'grpc.ssl_target_name_override': transport.options.serverName } : {};

/** A service's own material as a client: it presents its certificate to the services it calls. */
export const clientTransportOf = (security: TransportSecurity): ClientTransport =>
  security.mode === 'plaintext' ? { mode: 'plaintext' } : { mode: 'tls', options: { ca: security.material.ca, cert: security.material.cert, key: security.material.key } };
