import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJetStreamBus } from '@govern/platform-events';
import { startNatsCluster, type NatsCluster } from '@govern/platform-testing';

/** Govern's NATS cluster settings: the node config forms a 3-node JetStream cluster that keeps R3 streams through a node's loss. */
const root = join(import.meta.dirname, '..', '..', '..', '..');

describe('deploy/nats/nats-server.conf', () => {
  let cluster: NatsCluster;
  beforeAll(async () => {
    cluster = await startNatsCluster({ size: 3 });
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('the event bus makes its streams at EVENT_STREAM_REPLICAS and raises a stream made at 1 to it', async () => {
    const live = cluster.nodes;
    const natsUrl = live.map((node) => node.url).join(',');
    const log = pino({ level: 'silent' });
    const spec = { name: 'GOVERN_REPLICA_CHECK', subjects: ['govern.replica_check.>'] };
    // A fresh cluster's first stream assignments can take longer than one JetStream API request
    // waits (5 s) on a loaded machine (CI, 2 cores); ensureStreams is idempotent, so a timed-out
    // request is sent again rather than failing the check. Any other error fails it at once.
    const ensureAt = async (replicas: number): Promise<void> => {
      const deadline = Date.now() + 25_000;
      for (;;) {
        const bus = await createJetStreamBus({ natsUrl, log, replicas });
        try {
          await bus.ensureStreams([spec]);
          return;
        } catch (error) {
          if (!/timeout/i.test(String((error as Error).message)) || Date.now() > deadline) throw error;
        } finally {
          await bus.close();
        }
      }
    };
    await ensureAt(1);
    await ensureAt(3);
    const nc = await connect({ servers: live.map((node) => node.url) });
    try {
      const info = await (await jetstreamManager(nc)).streams.info('GOVERN_REPLICA_CHECK');
      expect(info.config.num_replicas).toBe(3);
    } finally {
      await nc.close();
    }
  }, 60_000);

  it('three nodes elect a JetStream leader; a stream at 3 replicas keeps taking and keeping events after its leader is killed', async () => {
    const nc = await connect({ servers: cluster.nodes.map((node) => node.url), maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.add({ name: 'GOVERN_CLUSTER_CHECK', subjects: ['govern.cluster_check.>'], num_replicas: 3 });
      expect(info.config.num_replicas).toBe(3);
      expect(info.cluster?.replicas ?? []).toHaveLength(2);
      const js = jetstream(nc, { timeout: 2_000 });
      await js.publish('govern.cluster_check.a', new TextEncoder().encode('before'), { msgID: 'before' });

      const leader = cluster.nodes.find((node) => node.name === info.cluster?.leader);
      expect(leader, `leader ${info.cluster?.leader}`).toBeDefined();
      leader?.process.kill('SIGKILL');
      await leader?.exited;

      // The two survivors elect a new stream leader; publishing succeeds once they have.
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await js.publish('govern.cluster_check.a', new TextEncoder().encode('after'), { msgID: 'after' });
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      const after = await jsm.streams.info('GOVERN_CLUSTER_CHECK');
      expect(after.state.messages).toBe(2);
      expect(after.cluster?.leader).not.toBe(leader?.name);
    } finally {
      await nc.close();
    }
  }, 60_000);

});

describe('deploy/nats/values.yaml (official nats chart)', () => {
  const values = parse(readFileSync(join(root, 'deploy', 'nats', 'values.yaml'), 'utf8')) as {
    config: { cluster: { enabled: boolean; replicas: number }; jetstream: { enabled: boolean; fileStore: { enabled: boolean; maxSize: string; pvc: { size: string } }; memoryStore: { maxSize: string } } };
    container: { merge: { resources: { requests: Record<string, string>; limits: Record<string, string> } } };
    podDisruptionBudget: { enabled: boolean };
  };
  const gib = (size: string): number => Number(/^(\d+)Gi$/.exec(size)?.[1] ?? Number.NaN);

  it('runs three JetStream nodes with file storage limited below the volume, memory limits and a disruption budget', () => {
    expect(values.config.cluster).toMatchObject({ enabled: true, replicas: 3 });
    expect(values.config.jetstream.enabled).toBe(true);
    expect(values.config.jetstream.fileStore.enabled).toBe(true);
    expect(gib(values.config.jetstream.fileStore.maxSize)).toBeLessThan(gib(values.config.jetstream.fileStore.pvc.size));
    expect(gib(values.config.jetstream.memoryStore.maxSize)).toBeLessThan(gib(values.container.merge.resources.limits['memory'] ?? '0Gi'));
    expect(values.podDisruptionBudget.enabled).toBe(true);
  });
});
