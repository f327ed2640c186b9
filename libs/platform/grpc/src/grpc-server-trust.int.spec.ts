import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonDescriptorSet } from '@govern/contracts-common';
import {
  createTokenVerifier,
  DEV_TOKEN_AUDIENCE,
  DEV_TOKEN_ISSUER,
  ensureDevPki,
  GOVERN_SERVICES,
  issueDevToken,
  type ClientTransport,
  type DevPki,
  type ServicePolicy,
  type TransportSecurity,
} from '@govern/platform-auth';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentCall, type CallScope } from './call-scope';
import { createGrpcServer, type GrpcServer } from './grpc-server';
import { closeServiceClient, createServiceClient, readErrorDetails } from './service-client';
import { HealthClientDefinition, memoryLogger, TestServiceDefinition, type LogLine } from './test-service.fixture';

/** Echo for operators and the `listing` workload; everything else of the test service needs an auditor. */
const POLICY: ServicePolicy = {
  service: TestServiceDefinition.fullName,
  rules: {
    Echo: { roles: ['operator'], services: ['listing', 'content'] },
    Fail: { roles: ['auditor'] },
    Lookup: { roles: ['auditor'] },
    Slow: { roles: ['auditor'] },
    Upload: { roles: ['auditor'] },
    Ticks: { roles: ['operator'] },
    Later: { roles: ['auditor'] },
  },
};

let dir: string;
let otherDir: string;
let pki: DevPki;
let otherPki: DevPki;
let server: GrpcServer;
let address: string;
let lines: LogLine[];
const scopes: Array<CallScope | undefined> = [];

const tls = (from: DevPki, name?: string, trust: Buffer = pki.ca): ClientTransport => {
  if (!name) return { mode: 'tls', options: { ca: trust } };
  const { cert, key } = from.identity(name).material;
  return { mode: 'tls', options: { ca: trust, cert, key } };
};

const token = (subject: string, roles: string[], ttlSeconds = 600) => issueDevToken(pki.signingKeyFile, { subject, roles, ttlSeconds });

const echoOutcome = async (transport: ClientTransport, bearerToken?: string) => {
  const client = createServiceClient(TestServiceDefinition, address, {
    defaultDeadlineMs: 5_000,
    transport,
    ...(bearerToken ? { token: () => bearerToken } : {}),
  });
  try {
    await client.echo({ requestId: 'r-1', servingData: '' });
    return { code: Status.OK, reason: undefined as string | undefined };
  } catch (error) {
    const details = readErrorDetails(error);
    if (!details) throw error;
    return { code: details.code, reason: details.reason, metadata: details.metadata };
  } finally {
    closeServiceClient(client);
  }
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grpc-trust-'));
  otherDir = await mkdtemp(join(tmpdir(), 'grpc-trust-other-'));
  pki = await ensureDevPki({ dir, services: ['content', 'merchant-access'], clients: ['listing', 'cli'] });
  otherPki = await ensureDevPki({ dir: otherDir, services: ['content'], clients: ['listing'] });
  const memory = memoryLogger();
  lines = memory.lines;
  const transport: TransportSecurity = {
    mode: 'tls',
    material: pki.identity('merchant-access').material,
    clientAuth: 'optional',
    identity: { subject: 'merchant-access', subjectAltName: 'URI:spiffe://govern/merchant-access', validTo: new Date(Date.now() + 86_400_000) },
  };
  server = createGrpcServer({
    serviceName: 'test',
    logger: memory.logger,
    descriptorSets: [commonDescriptorSet],
    transport,
    tokens: createTokenVerifier({ issuer: DEV_TOKEN_ISSUER, audience: DEV_TOKEN_AUDIENCE, keys: { file: pki.jwksFile }, certificateOnlyWorkloads: GOVERN_SERVICES }),
  });
  server.add(
    TestServiceDefinition,
    {
      async echo(request, context) {
        // The handler sees the caller in its context, and code below it sees the same call in scope.
        await new Promise((resolve) => setImmediate(resolve));
        scopes.push(currentCall());
        return { requestId: context.caller.subject, servingData: request.servingData };
      },
    },
    POLICY,
  );
  address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
});

afterAll(async () => {
  await server?.shutdown();
  await rm(dir, { recursive: true, force: true });
  await rm(otherDir, { recursive: true, force: true });
});

describe('the server kit enforces transport security, identity and the policy table', () => {
  it('serves TLS and says so in its start line', () => {
    expect(lines.find((line) => line.msg === 'gRPC server listening')).toMatchObject({ transport: 'tls', client_auth: 'optional', tokens: 'accepted' });
  });

  it('a call without credentials is UNAUTHENTICATED with ErrorInfo, and the call log names the reason', async () => {
    const outcome = await echoOutcome(tls(pki));
    expect(outcome).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'AUTH.MISSING_CREDENTIALS' });
    expect(lines.filter((line) => line.msg === 'rpc finished' && line['rpc'] === '/govern.test.v1.TestService/Echo').at(-1)).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'AUTH.MISSING_CREDENTIALS',
      caller: 'anonymous:anonymous',
    });
  });

  it('health stays open to anonymous callers over TLS', async () => {
    const health = createServiceClient(HealthClientDefinition, address, { defaultDeadlineMs: 5_000, transport: tls(pki) });
    await expect(health.check({ service: '' })).resolves.toBeDefined();
    closeServiceClient(health);
  });

  it('a person without the role is PERMISSION_DENIED naming the permission; with it, the handler sees the caller in context and scope', async () => {
    expect(await echoOutcome(tls(pki), await token('nina', ['nobody']))).toMatchObject({
      code: Status.PERMISSION_DENIED,
      reason: 'AUTH.PERMISSION_DENIED',
      metadata: { permission: 'govern.test.v1.TestService/Echo', required_roles: 'operator' },
    });
    expect(await echoOutcome(tls(pki), await token('olga', ['operator']))).toMatchObject({ code: Status.OK });
    expect(scopes.at(-1)).toMatchObject({ rpc: 'govern.test.v1.TestService/Echo', requestId: 'r-1', caller: { kind: 'person', subject: 'olga', roles: ['operator'] } });
    expect(lines.filter((line) => line.msg === 'rpc finished').at(-1)).toMatchObject({ code: 'OK', caller: 'person:olga' });
  });

  it('a service is known by its client certificate (mutual TLS)', async () => {
    expect(await echoOutcome(tls(pki, 'content'))).toMatchObject({ code: Status.OK });
    expect(scopes.at(-1)?.caller).toMatchObject({ kind: 'service', service: 'content', subject: 'spiffe://govern/content' });
  });

  it('an expired or wrongly signed token is UNAUTHENTICATED, also over a valid certificate', async () => {
    const expired = await issueDevToken(pki.signingKeyFile, { subject: 'olga', roles: ['operator'], ttlSeconds: 60, now: () => new Date(Date.now() - 3_600_000) });
    expect(await echoOutcome(tls(pki, 'listing'), expired)).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'AUTH.TOKEN_EXPIRED' });
    const forged = await issueDevToken(otherPki.signingKeyFile, { subject: 'olga', roles: ['operator'] });
    expect(await echoOutcome(tls(pki, 'listing'), forged)).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'AUTH.INVALID_TOKEN' });
  });

  it('a plaintext client cannot talk to the TLS server', async () => {
    expect((await echoOutcome({ mode: 'plaintext' }, await token('olga', ['operator']))).code).toBe(Status.UNAVAILABLE);
  });

  it('a client certificate from another CA proves nothing: the call is UNAUTHENTICATED (or the handshake fails)', async () => {
    const outcome = await echoOutcome(tls(otherPki, 'content'));
    expect([Status.UNAUTHENTICATED, Status.UNAVAILABLE]).toContain(outcome.code);
    expect(outcome.code === Status.UNAUTHENTICATED ? outcome.reason : 'handshake refused').not.toBe('AUTH.PERMISSION_DENIED');
  });
});
