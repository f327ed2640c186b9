import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grpcServiceName, HealthCheckResponse_ServingStatus, HealthDefinition, SERVICE_NAMES } from '@govern/contracts-common';
import { closeServiceClient, createServiceClient } from '@govern/platform-grpc';
import { createTestDatabase, testInfra } from '@govern/platform-testing';

/** Every deployable refuses to start on bad settings and names each one it could not use. */
const root = join(import.meta.dirname, '..', '..', '..');

describe('app configuration', () => {
  it.each(SERVICE_NAMES)('%s exits with code 2 naming every bad or missing setting', (app) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], PORT: 'not-a-port', NATS_URL: 'http://wrong' };
    const result = spawnSync(join(root, 'node_modules/.bin/tsx'), [`apps/${app}/src/main.ts`], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/PORT: .*"not-a-port"/);
    expect(result.stderr).toMatch(/DATABASE_URL: /);
    expect(result.stderr).toMatch(/NATS_URL: .*nats:\/\//);
  }, 60_000);
});

describe('a service deployed on its own', () => {
  it('migrates its database, serves health over real servers and stops cleanly on SIGTERM', async () => {
    const infra = await testInfra();
    const db = await createTestDatabase({ prefix: 'standalone_content' });
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATABASE_URL: db.url, NATS_URL: infra.natsUrl, LOG_LEVEL: 'info' };
    // `node --import tsx` rather than the tsx CLI: signals reach the service itself (the CLI relays
    // them through a short handshake that a busy machine can miss), so SIGTERM tests the real drain.
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/content/src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const address = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no "serving" log line within 60 s')), 60_000);
        let buffer = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          for (const line of buffer.split('\n')) {
            if (line.includes('"msg":"serving"')) {
              clearTimeout(timer);
              resolve((JSON.parse(line) as { address: string }).address);
            }
          }
        });
      });
      const health = createServiceClient(HealthDefinition, address, { defaultDeadlineMs: 5_000 });
      try {
        expect((await health.check({ service: grpcServiceName('content') })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
      } finally {
        closeServiceClient(health);
      }
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await db.drop();
    }
  }, 90_000);
});
