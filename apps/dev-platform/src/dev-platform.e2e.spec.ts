import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { defineEventType, EventMeta, HealthCheckResponse_ServingStatus, SERVICE_NAMES, streamOf } from '@govern/contracts-common';
import { runInTransaction } from '@govern/platform-db';
import { appendToOutbox, startConsumer } from '@govern/platform-events';
import type { ClientTransport } from '@govern/platform-auth';
import { MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import { closeServiceClient, createServiceClient, describeServerViaReflection, readErrorDetails } from '@govern/platform-grpc';
import { Status } from 'nice-grpc';
import { healthOf } from '@govern/platform-testing';
import { startPlatform } from './platform';

const root = join(import.meta.dirname, '..', '..', '..');

/** Starts `npm start`'s entry point exactly as the README does, minus the servers' settings. */
const startAsReadmeSays = async (): Promise<{ child: ChildProcess; addresses: Map<string, string>; metrics: Map<string, string>; caFile: string }> => {
  // Metrics are off with BASE_PORT=0 unless asked for: on free ports here.
  const env: NodeJS.ProcessEnv = { ...process.env, BASE_PORT: '0', METRICS_BASE_PORT: '0', DATA_DIR: '', LOG_LEVEL: 'warn' };
  delete env['DATABASE_URL'];
  delete env['NATS_URL'];
  // `node --import tsx` rather than the tsx CLI: signals reach the service itself (the CLI relays
  // them through a short handshake that a busy machine can miss), so SIGTERM tests the real drain.
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/dev-platform/src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const addresses = new Map<string, string>();
  const metrics = new Map<string, string>();
  let caFile = '';
  // stdio 'pipe' above: the child has a stdout.
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed test.
      child.kill('SIGKILL');
      reject(new Error('platform did not start within 90 s'));
    }, 90_000);
    child.once('exit', (code) => reject(new Error(`platform exited early with ${code}`)));
    lines.on('line', (line) => {
      const match = /^\s+([a-z-]+)\s+(127\.0\.0\.1:\d+)(?:\s+metrics (http:\/\/127\.0\.0\.1:\d+\/metrics))?$/.exec(line);
      const [, name = '', address = '', metricsUrl] = match ?? [];
      if (match) addresses.set(name, address);
      if (metricsUrl) metrics.set(name, metricsUrl);
      const ca = /^\s+development CA\s+(\S+)/.exec(line);
      if (ca?.[1]) caFile = ca[1];
      if (line.startsWith('Govern is running')) expect(line).toContain('embedded PGlite');
      if (line.startsWith('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { child, addresses, metrics, caFile };
};

describe('embedded mode (npm start with no servers configured)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('starts every service; each answers health SERVING and lists its methods through reflection; SIGTERM stops it cleanly', async () => {
    const started = await startAsReadmeSays();
    child = started.child;
    expect([...started.addresses.keys()].sort()).toEqual([...SERVICE_NAMES].sort());
    // TLS only, with the development CA it printed: a plaintext client gets nowhere.
    const transport: ClientTransport = { mode: 'tls', options: { ca: readFileSync(started.caFile) } };
    for (const [name, address] of started.addresses) {
      expect(await healthOf(address, '', transport), name).toBe(HealthCheckResponse_ServingStatus.SERVING);
      await expect(healthOf(address), `${name} over plaintext`).rejects.toMatchObject({ code: Status.UNAVAILABLE });
      const services = await describeServerViaReflection(address, transport);
      const own = services.find((s) => s.name.startsWith(`govern.${name.replaceAll('-', '_')}.v1.`));
      expect(own?.methods.length, name).toBeGreaterThan(3);
      expect(services.map((s) => s.name)).toContain('grpc.health.v1.Health');
    }
    // Each service prints its Prometheus endpoint, and it answers with that service's series.
    expect([...started.metrics.keys()].sort()).toEqual([...SERVICE_NAMES].sort());
    for (const [name, url] of started.metrics) {
      const scrape = await (await fetch(url)).text();
      expect(scrape, name).toContain(`govern_outbox_backlog{service="${name}"} 0`);
    }
    // A raw call without credentials, as a newcomer's grpcurl would make it, is refused.
    const anonymous = createServiceClient(MerchantAccessServiceDefinition, started.addresses.get('merchant-access') as string, { defaultDeadlineMs: 10_000, transport });
    const refused = await anonymous.getGovernanceStats({}).catch((error: unknown) => readErrorDetails(error));
    closeServiceClient(anonymous);
    expect(refused).toMatchObject({ codeName: 'UNAUTHENTICATED', reason: 'AUTH.MISSING_CREDENTIALS' });
    const exited = new Promise<number | null>((resolve) => started.child.once('exit', resolve));
    started.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);

  it('carries an event from one service’s outbox to another service’s consumer over the in-process bus', async () => {
    const platform = await startPlatform({ log: pino({ level: 'silent' }), host: '127.0.0.1', basePort: 0 });
    try {
      expect(platform.mode).toEqual({ database: 'embedded', bus: 'in-process' });
      const [producer, consumer] = [platform.services[0], platform.services[2]];
      if (!producer || !consumer) throw new Error('the platform runs four services');
      // A platform-level probe shaped like every Govern event (`EventMeta meta = 1`): consumers key on meta.event_id.
      const ProbeCodec = {
        encode(message: { meta?: EventMeta | undefined }, writer: BinaryWriter = new BinaryWriter()): BinaryWriter {
          if (message.meta) EventMeta.encode(message.meta, writer.uint32(10).fork()).join();
          return writer;
        },
        decode(input: Uint8Array): { meta?: EventMeta | undefined } {
          const reader = new BinaryReader(input);
          const message: { meta?: EventMeta | undefined } = {};
          while (reader.pos < reader.len) {
            const tag = reader.uint32();
            if (tag >>> 3 === 1) message.meta = EventMeta.decode(reader, reader.uint32());
            else reader.skip(tag & 7);
          }
          return message;
        },
      };
      const probe = defineEventType('govern.content.v1.Probe', 'govern.content.probe.sent', ProbeCodec);
      const received: string[] = [];
      const handle = await startConsumer({
        bus: platform.bus,
        db: consumer.db as never,
        consumer: 'dev_platform_probe',
        stream: streamOf('content').name,
        eventTypes: [probe],
        log: pino({ level: 'silent' }),
        handler: async (event) => {
          received.push(event.meta?.eventId ?? '');
        },
      });
      await runInTransaction(producer.db as never, (tx) =>
        appendToOutbox(tx, [
          {
            eventId: 'probe-1',
            subject: probe.subject,
            eventType: probe.typeName,
            payload: ProbeCodec.encode({ meta: { eventId: 'probe-1', occurredAt: new Date(), causationId: 'test', correlationId: 'test' } }).finish(),
            occurredAt: new Date(),
          },
        ]),
      );
      const until = Date.now() + 10_000;
      while (received.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      await handle.stop();
      expect(received).toEqual(['probe-1']);
    } finally {
      await platform.stop();
    }
  }, 120_000);
});
