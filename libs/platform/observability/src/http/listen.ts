import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts `server` on `host`:`port` and resolves once it listens, or rejects with the listen error
 * (a port in use) instead of leaving it to an 'error' event nobody waits for. Gives the port the
 * OS chose (for port 0) and the host as it stands in a URL (an IPv6 address in brackets).
 */
export const listenHttp = async (server: Server, port: number, host: string): Promise<{ port: number; urlHost: string }> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, urlHost: host.includes(':') ? `[${host}]` : host };
};
