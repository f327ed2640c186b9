/**
 * What the platform's client costs its caller per call (`npx tsx libs/platform/grpc/bench/client-edge.bench.ts`):
 * this process's CPU per unary call (`process.cpuUsage`), against one bare nice-grpc server in a
 * process of its own (TLS with a client certificate, as the services serve), 64 calls in flight.
 * Clients, rounds interleaved, the median round counts:
 * - `nice-grpc, no middleware`: the same channel, TLS and protobuf, none of the client kit's steps;
 * - `createServiceClient`: deadline (one budget for all attempts, sent as grpc-timeout), retry on
 *   UNAVAILABLE, error details, bearer token, as `@govern/platform-clients` makes it for every caller;
 * - `createServiceClient without token`: as a Govern service calls another (its certificate proves it).
 * `npm run bench`'s rows count the bench client's CPU against the machine's budget of each row, and
 * every caller of a Govern service pays the same per call. Prints figures; asserts nothing.
 * Arguments: calls per round (6000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createChannelCredentials, createServerCredentials, ensureDevPki, issueDevToken, type TransportSecurity } from '@govern/platform-auth';
import { createChannel, createClient, createServer } from 'nice-grpc';
import { closeServiceClient, createServiceClient } from '../src/service-client';
import { TestServiceDefinition } from '../src/test-service.fixture';

const [flag, ...args] = process.argv.slice(2);
const CALLS = flag === '--serve' ? 0 : Number(flag ?? 6_000);
const ROUNDS = 7;
const IN_FLIGHT = 64;

/** The child: a bare nice-grpc server over TLS; prints its address. */
const serve = async (dir: string): Promise<void> => {
  const pki = await ensureDevPki({ dir, services: ['merchant-access'], clients: ['cli'] });
  const transport: TransportSecurity = {
    mode: 'tls',
    material: pki.identity('merchant-access').material,
    clientAuth: 'optional',
    identity: { subject: 'merchant-access', subjectAltName: 'URI:spiffe://govern/merchant-access', validTo: new Date(Date.now() + 86_400_000) },
  };
  const echo = async (request: { requestId: string; servingData: string }) => request;
  const server = createServer();
  server.add(TestServiceDefinition, Object.fromEntries(Object.keys(TestServiceDefinition.methods).map((key) => [key, echo])) as never);
  const port = await server.listen('127.0.0.1:0', createServerCredentials(transport));
  process.once('SIGTERM', () => process.exit(0));
  console.log(JSON.stringify({ address: `127.0.0.1:${port}` }));
};

interface Echoing {
  echo(request: { requestId: string; servingData: string }): Promise<unknown>;
}

const main = async (): Promise<void> => {
  const dir = await mkdtemp(join(tmpdir(), 'client-edge-bench-'));
  const pki = await ensureDevPki({ dir, services: ['merchant-access'], clients: ['cli'] });
  const token = await issueDevToken(pki.signingKeyFile, { subject: 'bench', roles: ['operator'], ttlSeconds: 3_600 });
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--serve', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const address = await new Promise<string>((resolve) => lines.on('line', (line) => line.startsWith('{"address"') && resolve((JSON.parse(line) as { address: string }).address)));
  const { cert, key } = pki.identity('cli').material;
  const transport = { mode: 'tls', options: { ca: pki.ca, cert, key } } as const;
  const channel = createChannel(address, createChannelCredentials(transport));
  const clients: { label: string; client: Echoing; usPerCall: number[]; close: () => void }[] = [
    { label: 'nice-grpc, no middleware', client: createClient(TestServiceDefinition, channel), usPerCall: [], close: () => channel.close() },
    ...[true, false].map((withToken) => {
      const client = createServiceClient(TestServiceDefinition, address, {
        defaultDeadlineMs: 10_000,
        retry: { maxAttempts: 4, baseDelayMs: 200, allMethods: true },
        transport,
        ...(withToken ? { token: () => token } : {}),
      });
      return { label: withToken ? 'createServiceClient' : 'createServiceClient without token', client, usPerCall: [] as number[], close: () => closeServiceClient(client) };
    }),
  ];
  const run = async (client: Echoing, calls: number): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next++ < calls) await client.echo({ requestId: 'edge-bench', servingData: '' });
      }),
    );
  };
  for (const c of clients) await run(c.client, CALLS / 2);
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of clients) {
      const before = process.cpuUsage();
      await run(c.client, CALLS);
      const used = process.cpuUsage(before);
      c.usPerCall.push((used.user + used.system) / CALLS);
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  console.log(`client CPU per unary call, ${IN_FLIGHT} in flight over TLS (${ROUNDS} rounds x ${CALLS} calls, interleaved; median, and every round)`);
  for (const c of clients) console.log(`  ${c.label.padEnd(34)} ${median(c.usPerCall).toFixed(0).padStart(5)} µs   [${c.usPerCall.map((v) => v.toFixed(0)).join(', ')}]`);
  for (const c of clients) c.close();
  child.kill('SIGTERM');
  await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  await rm(dir, { recursive: true, force: true });
};

if (flag === '--serve') await serve(args[0] ?? '');
else await main();
