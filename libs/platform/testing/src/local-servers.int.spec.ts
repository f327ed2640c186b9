import { afterAll, describe, expect, it } from 'vitest';
import { findLocalServers } from './local-servers';
import { freePort, natsServerBinary, startNatsServer, type NatsServerProcess } from './nats';
import { testInfra } from './test-infra';

/** The probe behind "npm test with nothing configured uses the servers on the default local ports". */
const started: NatsServerProcess[] = [];
afterAll(async () => {
  for (const server of started) await server.dispose();
});

describe('finding servers on local ports', () => {
  it('finds a PostgreSQL that answers and NATS with JetStream', async () => {
    const infra = await testInfra();
    expect(await findLocalServers({ databaseUrl: infra.adminDatabaseUrl, natsUrl: infra.natsUrl })).toEqual({ databaseUrl: infra.adminDatabaseUrl, natsUrl: infra.natsUrl });
  });

  it('reports nothing where nothing listens', async () => {
    const [pgPort, natsPort] = [await freePort(), await freePort()];
    expect(await findLocalServers({ databaseUrl: `postgresql://postgres@127.0.0.1:${pgPort}/postgres`, natsUrl: `nats://127.0.0.1:${natsPort}` })).toEqual({});
  });

  const binary = natsServerBinary();
  it.runIf(binary)('does not count a NATS server without JetStream', async () => {
    const infra = await testInfra();
    const plain = await startNatsServer(binary as string, { jetStream: false });
    const withJetStream = await startNatsServer(binary as string);
    started.push(plain, withJetStream);
    expect((await findLocalServers({ databaseUrl: infra.adminDatabaseUrl, natsUrl: plain.url })).natsUrl).toBeUndefined();
    expect((await findLocalServers({ databaseUrl: infra.adminDatabaseUrl, natsUrl: withJetStream.url })).natsUrl).toBe(withJetStream.url);
  }, 30_000);
});
