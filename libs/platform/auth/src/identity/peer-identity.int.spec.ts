import { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DevPki } from '../dev/dev-pki';
import { connect, makePki, startSecureServer, tlsTransport, withTempDir, type SecureTestServer } from '../testing/secure-server.fixture';

const STANDING = { merchantId: 'm-1' };

describe('peerIdentityInterceptor', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let pki: DevPki;
  let server: SecureTestServer;

  beforeAll(async () => {
    temp = await withTempDir('govern-peer-');
    pki = await makePki(join(temp.dir, 'pki'));
    server = await startSecureServer({ pki });
  });
  afterAll(async () => {
    await server?.close();
    await temp?.remove();
  });

  it('reads the peer certificate once per connection, and each connection is known by its own', async () => {
    const reads = vi.spyOn(TLSSocket.prototype, 'getPeerCertificate');
    try {
      const traffic = connect(server.address, tlsTransport(pki, 'traffic'));
      const listing = connect(server.address, tlsTransport(pki, 'listing'));
      const anonymous = connect(server.address, tlsTransport(pki));
      const before = server.callers.length;
      for (let i = 0; i < 3; i++) {
        await traffic.merchantAccess.getMerchantStanding(STANDING);
        await listing.merchantAccess.getMerchantStanding(STANDING);
        await anonymous.health.check({});
      }
      for (const clients of [traffic, listing, anonymous]) clients.channel.close();
      expect(server.callers.slice(before).map((caller) => caller.subject)).toEqual(
        Array.from({ length: 3 }, () => ['spiffe://govern/traffic', 'spiffe://govern/listing']).flat(),
      );
      // The server's sockets only (this process is the clients too); the anonymous connection presented no certificate.
      const serverReads = reads.mock.contexts.filter((socket) => (socket as TLSSocket & { server?: unknown }).server !== undefined);
      expect(serverReads.length).toBe(2);
    } finally {
      reads.mockRestore();
    }
  });
});
