import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevPki } from '@govern/platform-auth';
import { describe, expect, it } from 'vitest';
import { grpcServiceName, HealthCheckResponse_ServingStatus, SERVICE_NAMES } from '@govern/contracts-common';
import { createTestDatabase, deleteNamespaceStreams, healthOf, startServiceProcess, testInfra, uniqueSuffix } from '@govern/platform-testing';

/** Every deployable refuses to start on bad settings and names each one it could not use. */
const root = join(import.meta.dirname, '..', '..', '..');

/** Runs the app's main.ts to its exit with `settings` and nothing else of this environment but PATH and HOME. */
const runApp = (app: string, settings: NodeJS.ProcessEnv) =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), [`apps/${app}/src/main.ts`], {
    cwd: root,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...settings },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('app configuration', () => {
  it.each(SERVICE_NAMES)('%s exits with code 2 naming every bad or missing setting', (app) => {
    const result = runApp(app, {
      PORT: 'not-a-port',
      NATS_URL: 'http://wrong',
      NATS_NKEY_SEED: 'SUnot-a-seed',
      // Only http/protobuf export is built in: a gRPC collector setting is refused, not ignored.
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      METRICS_PORT: 'metrics',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/PORT: .*"not-a-port"/);
    expect(result.stderr).toMatch(/DATABASE_URL: /);
    expect(result.stderr).toMatch(/NATS_URL: .*nats:\/\//);
    expect(result.stderr).toMatch(/NATS_NKEY_SEED: not a valid NKey user seed/);
    expect(result.stderr).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL: only http\/protobuf is supported \(got "grpc"\)/);
    expect(result.stderr).toMatch(/METRICS_PORT: .*"metrics"/);
  }, 60_000);

  it.each(SERVICE_NAMES)('%s refuses to start without TLS material unless plaintext is allowed explicitly (exit 2)', (app) => {
    const result = runApp(app, {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none',
      NATS_URL: 'nats://127.0.0.1:1',
      IDENTITY_HASH_KEY: 'a-test-identity-hash-key-of-enough-length-0123',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('TLS_CERT, TLS_KEY, TLS_CA: required (set ALLOW_INSECURE_PLAINTEXT=true');
  }, 60_000);

  it('refuses an inbox retention shorter than the streams keep events (exit 2), and takes 0, a longer one, or none (a day longer than the streams)', () => {
    const base = {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none',
      NATS_URL: 'nats://127.0.0.1:1',
      EVENT_STREAM_MAX_AGE_MS: String(24 * 3_600_000),
    };
    const short = runApp('content', { ...base, INBOX_RETENTION_MS: String(24 * 3_600_000) });
    expect(short.status).toBe(2);
    expect(short.stderr).toMatch(/INBOX_RETENTION_MS: 86400000 ms forgets events the streams still hold; give 0 \(keep\) or at least EVENT_STREAM_MAX_AGE_MS \(86400000\) plus an hour/);
    // Accepted, and unset (a day longer than the streams' age): the start goes on to the next check (TLS material, not given here).
    for (const kept of ['0', String(25 * 3_600_000), undefined]) {
      const result = runApp('content', { ...base, ...(kept === undefined ? {} : { INBOX_RETENTION_MS: kept }) });
      expect(result.status).toBe(2);
      expect(result.stderr).not.toContain('INBOX_RETENTION_MS');
      expect(result.stderr).toContain('TLS_CERT, TLS_KEY, TLS_CA: required');
    }
  }, 60_000);
});

describe('a service deployed on its own', () => {
  it('migrates its database, serves health over real servers and stops cleanly on SIGTERM', async () => {
    const infra = await testInfra();
    const db = await createTestDatabase({ prefix: 'standalone_content' });
    const namespace = `standalone${uniqueSuffix()}`;
    const pkiDir = await mkdtemp(join(tmpdir(), 'govern-standalone-pki-'));
    const pki = await ensureDevPki({ dir: pkiDir, services: ['content'] });
    const content = pki.identity('content');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      DATABASE_URL: db.url,
      NATS_URL: infra.natsUrl,
      EVENT_NAMESPACE: namespace,
      LOG_LEVEL: 'info',
      TLS_CERT: content.certFile,
      TLS_KEY: content.keyFile,
      TLS_CA: pki.caFile,
    };
    const app = await startServiceProcess({ cwd: root, entry: 'apps/content/src/main.ts', env });
    try {
      expect(await healthOf(app.address, grpcServiceName('content'), { mode: 'tls', options: { ca: pki.ca } })).toBe(HealthCheckResponse_ServingStatus.SERVING);
      expect(app.output()).toContain('"transport":"tls"');
      expect(await app.stop()).toBe(0);
    } finally {
      app.child.kill('SIGKILL');
      await db.drop();
      await deleteNamespaceStreams(infra.natsUrl, namespace);
      await rm(pkiDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('serves plaintext only when ALLOW_INSECURE_PLAINTEXT says so, and says it loudly (log and stderr)', async () => {
    const infra = await testInfra();
    const db = await createTestDatabase({ prefix: 'plaintext_content' });
    const namespace = `plain${uniqueSuffix()}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATABASE_URL: db.url, NATS_URL: infra.natsUrl, EVENT_NAMESPACE: namespace, LOG_LEVEL: 'info', ALLOW_INSECURE_PLAINTEXT: 'true' };
    delete env['TLS_CERT'];
    delete env['TLS_KEY'];
    delete env['TLS_CA'];
    const app = await startServiceProcess({ cwd: root, entry: 'apps/content/src/main.ts', env });
    try {
      expect(await healthOf(app.address, grpcServiceName('content'))).toBe(HealthCheckResponse_ServingStatus.SERVING);
      expect(app.output()).toContain('content: gRPC is PLAINTEXT (ALLOW_INSECURE_PLAINTEXT)');
      expect(app.output()).toContain('"transport":"plaintext"');
      expect(await app.stop()).toBe(0);
    } finally {
      app.child.kill('SIGKILL');
      await db.drop();
      await deleteNamespaceStreams(infra.natsUrl, namespace);
    }
  }, 90_000);
});
