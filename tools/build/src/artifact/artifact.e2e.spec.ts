import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthCheckResponse_ServingStatus, HealthDefinition } from '@govern/contracts-common';
import { ConsumerExperienceServiceDefinition } from '@govern/contracts-consumer-experience';
import { ContentServiceDefinition } from '@govern/contracts-content';
import { MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import { ProductQualityServiceDefinition } from '@govern/contracts-product-quality';
import { devServiceSecuritySettings, devTokenProvider, ensureDevPki, type ClientTransport, type DevPki } from '@govern/platform-auth';
import { closeServiceClient, createServiceClient } from '@govern/platform-grpc';
import { createTestDatabase, deleteNamespaceStreams, installArtifact, runArtifactCommand, startArtifact, testInfra, uniqueSuffix, type InstalledArtifact } from '@govern/platform-testing';

/**
 * `nx build` of every service, then each artifact as a deploy runs it: its folder alone,
 * `npm ci --omit=dev`, `node main.js migrate` on a fresh database, `node main.js` against
 * the shared PostgreSQL and NATS, gRPC health and a call that goes through Prisma, SIGTERM.
 */
const root = join(import.meta.dirname, '..', '..', '..', '..');

interface GovernanceStatsClient {
  getGovernanceStats(request: { window: { startTime: Date; endTime: Date } }): Promise<unknown>;
}

const SERVICES = [
  { name: 'content', grpcService: 'govern.content.v1.ContentService', definition: ContentServiceDefinition, env: {} },
  { name: 'product-quality', grpcService: 'govern.product_quality.v1.ProductQualityService', definition: ProductQualityServiceDefinition, env: {} },
  {
    name: 'merchant-access',
    grpcService: 'govern.merchant_access.v1.MerchantAccessService',
    definition: MerchantAccessServiceDefinition,
    env: { IDENTITY_HASH_KEY: randomBytes(32).toString('hex') },
  },
  {
    name: 'consumer-experience',
    grpcService: 'govern.consumer_experience.v1.ConsumerExperienceService',
    definition: ConsumerExperienceServiceDefinition,
    env: {},
  },
] as const;

const nx = (...args: string[]) =>
  spawnSync('npx', ['nx', ...args], { cwd: root, env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' }, encoding: 'utf8', timeout: 600_000 });

/** Packages the artifacts bundle: installing any of them would mean the bundle leans on the workspace. */
const BUNDLED_OR_DEV = ['tsx', 'typescript', 'vitest', 'esbuild', 'nx', 'prisma', '@prisma', '@grpc', '@nats-io', '@electric-sql', 'zod', 'pg'];

describe('service artifacts (nx build)', () => {
  // The artifacts serve TLS as deployed: certificates and the token issuer's keys from a development CA of this run.
  let pki: DevPki;
  let transport: ClientTransport;
  beforeAll(async () => {
    pki = await ensureDevPki({ dir: await mkdtemp(join(tmpdir(), 'govern-artifact-pki-')), services: SERVICES.map((s) => s.name), clients: ['cli'] });
    const cli = pki.identity('cli').material;
    transport = { mode: 'tls', options: { ca: pki.ca, cert: cli.cert, key: cli.key } };
  });
  afterAll(async () => {
    if (pki) await rm(pki.dir, { recursive: true, force: true });
  });

  beforeAll(() => {
    const build = nx('run-many', '-t', 'build', `--projects=${SERVICES.map((s) => s.name).join(',')}`, '--output-style=static');
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
  }, 620_000);

  it('builds again from the cache when nothing changed', () => {
    const again = nx('build', 'content', '--output-style=static');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/local cache|existing outputs match the cache/);
  }, 120_000);

  it('`nx affected -t build` builds only the services a change reaches', () => {
    const affected = (file: string): string[] => {
      const result = nx('show', 'projects', '--affected', '-t', 'build', `--files=${file}`, '--json');
      expect(result.status, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as string[]).sort();
    };
    expect(affected('libs/merchant-access/domain/src/index.ts')).toEqual(['merchant-access']);
    expect(affected('libs/consumer-experience/data-access/prisma/migrations/migration_lock.toml')).toEqual(['consumer-experience']);
    expect(affected('libs/platform/core/src/config.ts')).toEqual(SERVICES.map((s) => s.name).sort());
  }, 120_000);

  describe.each(SERVICES)('$name', (service) => {
    const dist = join(root, 'dist', 'apps', service.name);
    let artifact: InstalledArtifact;

    beforeAll(() => {
      artifact = installArtifact(dist);
    }, 200_000);
    afterAll(() => artifact?.remove());

    it('installs from its own folder with only the packages its bundle leaves external', () => {
      for (const file of ['main.js', 'health-probe.js', 'package.json', 'package-lock.json']) expect(existsSync(join(dist, file)), file).toBe(true);
      const installed = readdirSync(join(artifact.dir, 'node_modules'));
      expect(installed).toContain('pino');
      expect(installed.filter((name) => BUNDLED_OR_DEV.includes(name))).toEqual([]);
    });

    it('refuses an unknown command with exit code 2', async () => {
      const result = await runArtifactCommand(artifact.dir, ['main.js', 'frobnicate']);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/usage: .*serve\|migrate/);
    });

    it('migrates a fresh database with `migrate`, serves health and Prisma-backed calls, and exits 0 on SIGTERM', async () => {
      const infra = await testInfra();
      const db = await createTestDatabase({ prefix: `artifact_${service.name.replace('-', '_')}` });
      const namespace = `artifact${uniqueSuffix()}`;
      try {
        const migrations = readdirSync(join(dist, 'migrations'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).length;
        const first = await runArtifactCommand(artifact.dir, ['main.js', 'migrate'], { DATABASE_URL: db.url });
        expect(first.status, first.stderr).toBe(0);
        const again = await runArtifactCommand(artifact.dir, ['main.js', 'migrate'], { DATABASE_URL: db.url });
        expect(again.status, again.stderr).toBe(0);
        expect(again.stdout).toContain('"applied":[]');
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL');
          expect(Number(rows[0]?.n)).toBe(migrations);
        } finally {
          await client.end();
        }

        const running = await startArtifact(artifact.dir, {
          ...service.env,
          DATABASE_URL: db.url,
          NATS_URL: infra.natsUrl,
          EVENT_NAMESPACE: namespace,
          MIGRATE_ON_START: 'false',
          HOST: '127.0.0.1',
          PORT: '0',
          ...devServiceSecuritySettings(pki, service.name),
        });
        try {
          const health = createServiceClient(HealthDefinition, running.address, { defaultDeadlineMs: 5_000, transport });
          // Governance stats are for auditors.
          const token = devTokenProvider(pki.signingKeyFile, { subject: 'artifact-test', roles: ['auditor'] });
          const api = createServiceClient(service.definition, running.address, { defaultDeadlineMs: 10_000, transport, token }) as unknown as GovernanceStatsClient;
          try {
            expect((await health.check({ service: service.grpcService })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
            // A read through the bundled Prisma client and its WebAssembly query compiler.
            await expect(api.getGovernanceStats({ window: { startTime: new Date(Date.now() - 86_400_000), endTime: new Date() } })).resolves.toBeDefined();
          } finally {
            closeServiceClient(health);
            closeServiceClient(api);
          }
          // The probe runs with the service's own environment (TLS_* as in the pod).
          const probe = await runArtifactCommand(artifact.dir, ['health-probe.js', running.address], {
            TLS_CERT: pki.identity(service.name).certFile,
            TLS_KEY: pki.identity(service.name).keyFile,
            TLS_CA: pki.caFile,
          });
          expect(probe.status, probe.stderr).toBe(0);

          running.child.kill('SIGTERM');
          expect(await running.exited).toBe(0);
          expect(running.output()).toContain('"msg":"shutdown complete"');
          const probeAfter = await runArtifactCommand(artifact.dir, ['health-probe.js', running.address]);
          expect(probeAfter.status).toBe(1);
        } finally {
          running.child.kill('SIGKILL');
        }
      } finally {
        await db.drop();
        await deleteNamespaceStreams(infra.natsUrl, namespace);
      }
    }, 120_000);
  });
});
