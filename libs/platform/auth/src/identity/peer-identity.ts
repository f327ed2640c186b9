import { randomBytes } from 'node:crypto';
import { ServerInterceptingCall, type Metadata as GrpcMetadata, type ServerInterceptingCallInterface, type ServerInterceptor } from '@grpc/grpc-js';
import type { Metadata } from 'nice-grpc-common';
import { DEFAULT_TRUST_DOMAIN, workloadOfCertificate } from './spiffe';

/**
 * nice-grpc hides the grpc-js call, and with it the TLS peer certificate. This grpc-js
 * interceptor reads the verified peer certificate (`call.getAuthContext()`: grpc-js only
 * returns it when the TLS socket is `authorized`, i.e. the certificate chained to the CA) and
 * passes the workload it names to the middleware in an internal metadata entry.
 *
 * The entry carries a random per-process nonce, and the interceptor always removes whatever a
 * client sent under that key: a client cannot forge a service identity with a header, even on
 * a server where the interceptor was forgotten (the middleware then finds no valid nonce).
 *
 * The workload is read once per connection, not per call. `getAuthContext()` calls the TLS
 * socket's `getPeerCertificate()`, which builds the whole certificate as a new JS object every
 * time (3% of a decision read's CPU), yet a connection's peer cannot change: Node's HTTP/2
 * session disables TLS renegotiation on its socket. grpc-js has no public handle on the
 * connection, so the answer is kept per HTTP/2 session, reached through the HTTP/2 stream of
 * grpc-js' base call (`BaseServerInterceptingCall.stream`, a private field): the interceptor
 * must come first in the server's list, so that it is handed that base call. Where the session
 * cannot be reached (another grpc-js version), every call reads the certificate as before.
 */
export const PEER_METADATA_KEY = 'govern-internal-peer-workload';
const NONCE = randomBytes(16).toString('hex');
/** A verified certificate that names no workload in our trust domain (e.g. another SPIFFE domain). */
const UNNAMED = '-';

/** The metadata value for a call's connection, or undefined for a connection without a verified certificate. */
const peerEntryOf = (call: ServerInterceptingCallInterface, trustDomain: string): string | undefined => {
  const peer = call.getAuthContext?.()?.sslPeerCertificate;
  return peer ? `${NONCE}:${workloadOfCertificate(peer.subjectaltname, trustDomain) ?? UNNAMED}` : undefined;
};

const sessionOf = (call: ServerInterceptingCallInterface): object | undefined => {
  const session = (call as { stream?: { session?: unknown } }).stream?.session;
  return typeof session === 'object' && session !== null ? session : undefined;
};

/** What an interceptor step does with a call's metadata as it arrives (grpc-js' own call and metadata). */
export type MetadataStep = (call: ServerInterceptingCallInterface, metadata: GrpcMetadata) => void;

/**
 * One grpc-js interceptor that runs `steps` in order on each call's metadata. Every interceptor
 * wraps each call in a ServerInterceptingCall that every event of the call passes through, so
 * the server's steps (peer identity, deadline) share one instead of wrapping a call once each.
 */
export const metadataInterceptor =
  (...steps: readonly MetadataStep[]): ServerInterceptor =>
  (_method, call) =>
    new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, passOn) {
            for (const step of steps) step(call, metadata);
            passOn(metadata);
          },
        });
      },
    });

/** The peer identity step (see above): put it first, so that it is handed grpc-js' base call. */
export const peerIdentityStep = (trustDomain = DEFAULT_TRUST_DOMAIN): MetadataStep => {
  // Entries go with their sessions (a closed connection's session is collected).
  const bySession = new WeakMap<object, string | undefined>();
  const entryOf = (call: ServerInterceptingCallInterface): string | undefined => {
    const session = sessionOf(call);
    if (!session) return peerEntryOf(call, trustDomain);
    if (bySession.has(session)) return bySession.get(session);
    const entry = peerEntryOf(call, trustDomain);
    bySession.set(session, entry);
    return entry;
  };
  return (call, metadata) => {
    metadata.remove(PEER_METADATA_KEY);
    const entry = entryOf(call);
    if (entry) metadata.set(PEER_METADATA_KEY, entry);
  };
};

export const peerIdentityInterceptor = (trustDomain = DEFAULT_TRUST_DOMAIN): ServerInterceptor => metadataInterceptor(peerIdentityStep(trustDomain));

export type PeerIdentity = { certificate: false } | { certificate: true; workload?: string };

/** Reads (and removes) what the interceptor found; a value without this process's nonce counts as nothing. */
export const takePeerIdentity = (metadata: Metadata): PeerIdentity => {
  const raw = metadata.get(PEER_METADATA_KEY);
  metadata.delete(PEER_METADATA_KEY);
  if (typeof raw !== 'string' || !raw.startsWith(`${NONCE}:`)) return { certificate: false };
  const workload = raw.slice(NONCE.length + 1);
  return workload === UNNAMED ? { certificate: true } : { certificate: true, workload };
};
