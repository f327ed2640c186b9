import { randomBytes } from 'node:crypto';
import { ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
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
 */
export const PEER_METADATA_KEY = 'govern-internal-peer-workload';
const NONCE = randomBytes(16).toString('hex');
/** A verified certificate that names no workload in our trust domain (e.g. another SPIFFE domain). */
const UNNAMED = '-';

export const peerIdentityInterceptor =
  (trustDomain = DEFAULT_TRUST_DOMAIN): ServerInterceptor =>
  (_method, call) =>
    new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, passOn) {
            metadata.remove(PEER_METADATA_KEY);
            const peer = call.getAuthContext?.()?.sslPeerCertificate;
            if (peer) metadata.set(PEER_METADATA_KEY, `${NONCE}:${workloadOfCertificate(peer.subjectaltname, trustDomain) ?? UNNAMED}`);
            passOn(metadata);
          },
        });
      },
    });

export type PeerIdentity = { certificate: false } | { certificate: true; workload?: string };

/** Reads (and removes) what the interceptor found; a value without this process's nonce counts as nothing. */
export const takePeerIdentity = (metadata: Metadata): PeerIdentity => {
  const raw = metadata.get(PEER_METADATA_KEY);
  metadata.delete(PEER_METADATA_KEY);
  if (typeof raw !== 'string' || !raw.startsWith(`${NONCE}:`)) return { certificate: false };
  const workload = raw.slice(NONCE.length + 1);
  return workload === UNNAMED ? { certificate: true } : { certificate: true, workload };
};
