import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthCheckResponse_ServingStatus } from '@govern/contracts-common';
import { createTestDatabase, deleteNamespaceStreams, healthOf, startServiceProcess, testInfra } from '@govern/platform-testing';
import { findProjects } from '../../projects';

/**
 * `nx g @govern/tools:service` in a throwaway copy of this workspace: the new service's code is
 * generated, its projects typecheck and lint, its tests pass, its app serves health, and the
 * code that names every service (registry, local platform, clients, CLI, e2e harness) takes it in.
 */
const root = join(import.meta.dirname, '..', '..', '..', '..', '..');
const run = promisify(execFile);
const SERVICE = 'sample-audit';

/** The workspace as git sees it (tracked and new files, as they are now), its generated code, and a link to node_modules. */
const copyWorkspace = (): string => {
  const copy = mkdtempSync(join(tmpdir(), 'govern-generator-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
    .toString()
    .split('\0')
    .filter((file) => file !== '' && !file.startsWith('tmp/') && existsSync(join(root, file)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(root, file), join(copy, file), { verbatimSymlinks: true });
  }
  // Generated code is not in git: copy it rather than generate every contract and client again.
  for (const project of findProjects(root)) {
    for (const generated of ['src/gen', 'src/generated']) {
      const from = join(root, project.root, generated);
      if (existsSync(from)) cpSync(from, join(copy, project.root, generated), { recursive: true });
    }
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  return copy;
};

describe(`nx g @govern/tools:service ${SERVICE}`, () => {
  let copy: string;
  const env = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' };
  /** Runs a command of node_modules/.bin in the copy; fails the test with its output. */
  const sh = async (bin: string, args: string[], timeoutMs: number): Promise<string> => {
    try {
      const { stdout, stderr } = await run(join(copy, 'node_modules/.bin', bin), args, { cwd: copy, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
      return stdout + stderr;
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`${bin} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
    }
  };

  beforeAll(async () => {
    copy = copyWorkspace();
    await sh('nx', ['g', '@govern/tools:service', SERVICE, '--purpose', 'audits samples of other services’ decisions', '--no-interactive'], 180_000);
    await sh('nx', ['run-many', '-t', 'generate', '-p', `proto-${SERVICE}`, `${SERVICE}-data-access`, '--output-style=static'], 300_000);
  }, 600_000);
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  const newProjects = [`contracts-${SERVICE}`, `${SERVICE}-domain`, `${SERVICE}-data-access`, `${SERVICE}-service`, SERVICE];

  it('enters the service in the registry, after the others', () => {
    const registry = readFileSync(join(copy, 'libs/contracts/common/src/service-registry.ts'), 'utf8');
    expect(registry).toMatch(/\{ name: 'consumer-experience' \},\n {2}\{ name: 'sample-audit' \},\n\] as const;/);
  });

  it('writes contracts buf lints, and code that typechecks and lints, with every composer of the services', async () => {
    await sh('buf', ['lint', '--path', 'proto/govern/sample_audit'], 120_000);
    await sh('nx', ['run-many', '-t', 'typecheck,lint', '-p', ...newProjects, 'dev-platform', 'platform-clients', 'contracts-common', 'cli', 'e2e', '--output-style=static'], 1_200_000);
  }, 1_260_000);

  it('gives the service tests that pass: domain, database, and the service over real gRPC', async () => {
    const output = await sh('vitest', ['run', '--project', `${SERVICE}-domain`, '--project', `${SERVICE}-data-access`, '--project', `${SERVICE}-service`], 600_000);
    expect(output).toMatch(/Test Files\s+.*3 passed/);
    // The workspace's own checks of the registry and the platform migration copies hold for it too.
    expect(await sh('vitest', ['run', '--project', 'workspace-tools', 'service-registry', 'platform-migration'], 300_000)).toMatch(/Test Files\s+.*2 passed/);
  }, 900_000);

  it('gives the CLI an address flag for it, on the next default port', async () => {
    expect(await sh('tsx', ['tools/cli/src/main.ts', 'health', '--help'], 60_000)).toMatch(/--sample-audit HOST:PORT\s+127\.0\.0\.1:50055/);
  });

  it('makes an app that migrates its database, serves health and stops on SIGTERM', async () => {
    const infra = await testInfra();
    const db = await createTestDatabase({ prefix: 'generated_app' });
    const namespace = `gen${process.pid}`;
    const app = await startServiceProcess({
      cwd: copy,
      entry: `apps/${SERVICE}/src/main.ts`,
      // Plaintext on purpose (said in its log): this checks the generated app's lifecycle; TLS and authorization are the platform's tests.
      env: { ...env, PORT: '0', DATABASE_URL: db.url, NATS_URL: infra.natsUrl, EVENT_NAMESPACE: namespace, LOG_LEVEL: 'info', ALLOW_INSECURE_PLAINTEXT: 'true' },
    });
    try {
      expect(await healthOf(app.address, 'govern.sample_audit.v1.SampleAuditService')).toBe(HealthCheckResponse_ServingStatus.SERVING);
      expect(await app.stop()).toBe(0);
    } finally {
      app.child.kill('SIGKILL');
      await db.drop();
      await deleteNamespaceStreams(infra.natsUrl, namespace);
    }
  }, 120_000);
});
