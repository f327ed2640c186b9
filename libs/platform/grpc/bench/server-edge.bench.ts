/**
 * What the server kit's edge costs per call (`npx tsx libs/platform/grpc/bench/server-edge.bench.ts`):
 * the server's CPU per unary call, read from /proc as `npm run bench` reads the services', with
 * the server in a process of its own and this process as its client (64 calls in flight, TLS with
 * a client certificate and a bearer token, as the bench calls the services). Two servers, rounds
 * interleaved, the median round counts:
 * - `nice-grpc, no middleware`: the same TLS and protobuf, none of the kit's steps (the floor of the edge);
 * - `the kit (createGrpcServer)`: peer identity, deadline, tracing (not exporting), metrics, call
 *   log (to stdout, as deployed), error details, call signal, error mapper, token verification,
 *   call scope, authorization, edge guard.
 * The handler answers at once, so the difference is the edge's own cost. Then the same servers one
 * call at a time: the p50 and p90 a lone caller waits (client, TLS and HTTP/2 included), which is
 * what the 1-in-flight read goal of `npm run bench` is judged on, and the server's CPU per call
 * there (a lone call runs with cold caches: its CPU is not the 64-in-flight figure).
 * Prints figures; asserts nothing.
 * Arguments: calls per round (6000), the servers (`bare,kit`; `kit-no-trace`, `kit-no-metrics`,
 * `kit-no-log`, `kit-no-token` leave that part out), a directory for CPU profiles of the servers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { commonDescriptorSet } from '@govern/contracts-common';
import {
  createServerCredentials,
  createTokenVerifier,
  DEV_TOKEN_AUDIENCE,
  DEV_TOKEN_ISSUER,
  ensureDevPki,
  GOVERN_SERVICES,
  issueDevToken,
  type ServicePolicy,
  type TransportSecurity,
} from '@govern/platform-auth';
import { createServiceMetrics, startTelemetry } from '@govern/platform-observability';
import { createServer } from 'nice-grpc';
import pino from 'pino';
import { createGrpcServer } from '../src/grpc-server';
import { closeServiceClient, createServiceClient } from '../src/service-client';
import { TestServiceDefinition } from '../src/test-service.fixture';

const POLICY: ServicePolicy = {
  service: TestServiceDefinition.fullName,
  rules: Object.fromEntries(['Echo', 'Fail', 'Lookup', 'Slow', 'Upload', 'Ticks', 'Later'].map((rpc) => [rpc, { roles: ['operator'], services: ['cli'] }])),
};
// `server-edge.bench.ts [calls per round] [servers, e.g. bare,kit,kit-no-trace] [profile dir]`
const [flag, ...args] = process.argv.slice(2);
const CALLS = flag === '--serve' ? 0 : Number(flag ?? 6_000);
const KINDS = (args[0] ?? 'bare,kit').split(',');
/** The servers run under V8's profiler and write a .cpuprofile here when they stop. */
const PROFILE_DIR = args[1];
const WARMUP = CALLS / 2;
const ROUNDS = 5;
const IN_FLIGHT = 64;
/** Calls per round one at a time: a lone call takes ~0.5 ms here, so a round of the default size lasts about a second per server. */
const LONE_CALLS = Math.max(200, Math.round(CALLS / 3));

/** The server's TLS as the services set it up (the development PKI that the parent made in `dir`). */
const transportOf = async (dir: string): Promise<TransportSecurity> => {
  const pki = await ensureDevPki({ dir, services: ['merchant-access'], clients: ['cli'] });
  return {
    mode: 'tls',
    material: pki.identity('merchant-access').material,
    clientAuth: 'optional',
    identity: { subject: 'merchant-access', subjectAltName: 'URI:spiffe://govern/merchant-access', validTo: new Date(Date.now() + 86_400_000) },
  };
};

/** The child: serves on a free port, prints its address. */
const serve = async (kind: string, dir: string, jwksFile: string): Promise<void> => {
  const transport = await transportOf(dir);
  const echo = { echo: async (request: { requestId: string; servingData: string }) => request };
  let port: number;
  if (kind === 'bare') {
    const server = createServer();
    // nice-grpc wants every method; only Echo is called.
    const rest = Object.fromEntries(Object.keys(TestServiceDefinition.methods).map((key) => [key, echo.echo]));
    server.add(TestServiceDefinition, { ...rest, ...echo } as never);
    port = await server.listen('127.0.0.1:0', createServerCredentials(transport));
  } else {
    // As the runtime's logger writes: JSON lines to stdout, batched (libs/platform/core/src/logger.ts).
    // `kit-no-<part>` leaves a part out, to see what it costs.
    const without = (part: string): boolean => kind.includes(`no-${part}`);
    const logger = pino(
      { name: 'edge', level: without('log') ? 'warn' : 'info', timestamp: pino.stdTimeFunctions.isoTime },
      pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 }),
    );
    const server = createGrpcServer({
      serviceName: 'edge',
      logger,
      descriptorSets: [commonDescriptorSet],
      transport,
      ...(without('trace') ? {} : { telemetry: startTelemetry({ serviceName: 'edge' }) }),
      ...(without('metrics') ? {} : { metrics: createServiceMetrics({ serviceName: 'edge', processMetrics: false }) }),
      tokens: createTokenVerifier({ issuer: DEV_TOKEN_ISSUER, audience: DEV_TOKEN_AUDIENCE, keys: { file: jwksFile }, certificateOnlyWorkloads: GOVERN_SERVICES }),
    });
    server.add(TestServiceDefinition, echo, POLICY);
    port = await server.listen('127.0.0.1:0');
  }
  // Exit (not die) on SIGTERM, so that a profile (EDGE_CPU_PROF) is written.
  process.once('SIGTERM', () => process.exit(0));
  console.log(JSON.stringify({ address: `127.0.0.1:${port}` }));
};

/** User + system CPU of a process so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
const cpuMsOf = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

const start = async (kind: string, dir: string, jwksFile: string): Promise<{ child: ChildProcess; address: string }> => {
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, kind)}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', import.meta.filename, '--serve', kind, dir, jwksFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const address = await new Promise<string>((resolve) => lines.on('line', (line) => line.startsWith('{"address"') && resolve((JSON.parse(line) as { address: string }).address)));
  return { child, address };
};

const main = async (): Promise<void> => {
  const dir = await mkdtemp(join(tmpdir(), 'edge-bench-'));
  const pki = await ensureDevPki({ dir, services: ['merchant-access'], clients: ['cli'] });
  const token = await issueDevToken(pki.signingKeyFile, { subject: 'bench', roles: ['operator'], ttlSeconds: 3_600 });
  const { cert, key } = pki.identity('cli').material;
  const servers = await Promise.all(
    KINDS.map(async (kind) => {
      const { child, address } = await start(kind, dir, pki.jwksFile);
      // `kit-no-token`: the client certificate alone proves the caller.
      const client = createServiceClient(TestServiceDefinition, address, {
        defaultDeadlineMs: 10_000,
        transport: { mode: 'tls', options: { ca: pki.ca, cert, key } },
        ...(kind.includes('no-token') ? {} : { token: () => token }),
      });
      return { kind, child, client, usPerCall: [] as number[], loneUsPerCall: [] as number[], loneLatencies: [] as number[] };
    }),
  );
  const run = async (client: (typeof servers)[number]['client'], calls: number): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next++ < calls) await client.echo({ requestId: 'edge-bench', servingData: '' });
      }),
    );
  };
  for (const s of servers) await run(s.client, WARMUP);
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of servers) {
      const before = cpuMsOf(s.child.pid ?? 0);
      await run(s.client, CALLS);
      s.usPerCall.push(((cpuMsOf(s.child.pid ?? 0) - before) * 1_000) / CALLS);
    }
  }
  // One call at a time, the servers' rounds interleaved as above.
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of servers) {
      const before = cpuMsOf(s.child.pid ?? 0);
      for (let i = 0; i < LONE_CALLS; i++) {
        const started = performance.now();
        await s.client.echo({ requestId: 'edge-bench', servingData: '' });
        s.loneLatencies.push((performance.now() - started) * 1_000);
      }
      s.loneUsPerCall.push(((cpuMsOf(s.child.pid ?? 0) - before) * 1_000) / LONE_CALLS);
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const percentile = (values: number[], q: number): number => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))] ?? Number.NaN;
  const labelOf = (kind: string): string => (kind === 'bare' ? 'nice-grpc, no middleware' : kind === 'kit' ? 'the kit (createGrpcServer)' : kind);
  console.log(`server CPU per unary call, ${IN_FLIGHT} in flight over TLS (${ROUNDS} rounds x ${CALLS} calls, interleaved; median, and every round)`);
  for (const s of servers) console.log(`  ${labelOf(s.kind).padEnd(28)} ${median(s.usPerCall).toFixed(0).padStart(5)} µs   [${s.usPerCall.map((v) => v.toFixed(0)).join(', ')}]`);
  console.log(`one call at a time over TLS (${ROUNDS} rounds x ${LONE_CALLS} calls, interleaved): latency at the client, and the server's CPU per call (median round)`);
  for (const s of servers) {
    const [p50, p90] = [percentile(s.loneLatencies, 0.5), percentile(s.loneLatencies, 0.9)];
    console.log(`  ${labelOf(s.kind).padEnd(28)} p50 ${p50.toFixed(0).padStart(5)} µs   p90 ${p90.toFixed(0).padStart(5)} µs   server CPU ${median(s.loneUsPerCall).toFixed(0).padStart(4)} µs/call`);
  }
  for (const s of servers) {
    closeServiceClient(s.client);
    s.child.kill('SIGTERM');
  }
  await Promise.all(servers.map((s) => new Promise((resolve) => (s.child.exitCode === null ? s.child.once('exit', resolve) : resolve(undefined)))));
  await rm(dir, { recursive: true, force: true });
};

if (flag === '--serve') await serve(args[0] ?? 'kit', args[1] ?? '', args[2] ?? '');
else await main();
