import { DomainError, ValidationError } from '@govern/policy-core';
import { ClientError, Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { createGrpcServer, type GrpcServiceImplementation } from './grpc-server';
import { closeServiceClient, createServiceClient, readErrorDetails, type ServiceClientOptions } from './service-client';
import { memoryLogger, openPolicyOf, PLAINTEXT, TestServiceDefinition } from './test-service.fixture';
import { failure } from './testing/client-error';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A service whose `fail`/`lookup` answer UNAVAILABLE for the first `flakyTimes` calls, counting every call. */
const start = async (flakyTimes: number, implementation: GrpcServiceImplementation<typeof TestServiceDefinition> = {}) => {
  const calls = { fail: 0, lookup: 0 };
  const outcome = (count: number, reason: string) => {
    if (reason === 'INVALID') throw new ValidationError([{ field: 'x', description: 'bad', reason: 'BAD' }]);
    if (count <= flakyTimes) throw new DomainError('UNAVAILABLE', 'DEPENDENCY.UNAVAILABLE', 'the database is failing over');
    return { reason: `ok after ${count}`, domain: '', metadata: {} };
  };
  const server = createGrpcServer({ serviceName: 'test', logger: memoryLogger().logger, descriptorSets: [], transport: PLAINTEXT });
  server.add(TestServiceDefinition, {
    fail: async (request) => outcome(++calls.fail, request.reason),
    lookup: async (request) => outcome(++calls.lookup, request.reason),
    ...implementation,
  }, openPolicyOf(TestServiceDefinition));
  const port = await server.listen('127.0.0.1:0');
  cleanups.push(() => server.shutdown());
  const address = `127.0.0.1:${port}`;
  const client = (options: Partial<ServiceClientOptions> = {}) => {
    const made = createServiceClient(TestServiceDefinition, address, { defaultDeadlineMs: 5_000, ...options });
    cleanups.push(() => closeServiceClient(made));
    return made;
  };
  return { calls, client, address };
};

const RETRY = { maxAttempts: 4, baseDelayMs: 10 };

describe('createServiceClient retries', () => {
  it('retries UNAVAILABLE and succeeds (all methods opted in)', async () => {
    const { calls, client } = await start(2);
    const result = await client({ retry: { ...RETRY, allMethods: true } }).fail({ reason: 'GO' });
    expect(result.reason).toBe('ok after 3');
    expect(calls.fail).toBe(3);
  });

  it('never retries other codes', async () => {
    const { calls, client } = await start(0);
    const error = await failure(client({ retry: { ...RETRY, allMethods: true } }).fail({ reason: 'INVALID' }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(readErrorDetails(error)?.fieldViolations).toEqual([{ field: 'x', description: 'bad', reason: 'BAD' }]);
    expect(calls.fail).toBe(1);
  });

  it('gives up after maxAttempts and surfaces UNAVAILABLE with its details', async () => {
    const { calls, client } = await start(100);
    const error = await failure(client({ retry: { ...RETRY, allMethods: true } }).fail({ reason: 'GO' }));
    expect(readErrorDetails(error)).toMatchObject({ codeName: 'UNAVAILABLE', reason: 'DEPENDENCY.UNAVAILABLE' });
    expect(calls.fail).toBe(4);
  });

  it('without the opt-in retries only methods marked idempotent', async () => {
    const { calls, client } = await start(1);
    const test = client({ retry: RETRY });
    expect((await failure(test.fail({ reason: 'GO' }))).code).toBe(Status.UNAVAILABLE);
    expect(calls.fail).toBe(1);
    expect((await test.lookup({ reason: 'GO' })).reason).toBe('ok after 2');
    expect(calls.lookup).toBe(2);
  });

  it('a call can turn retries off', async () => {
    const { calls, client } = await start(1);
    expect((await failure(client({ retry: { ...RETRY, allMethods: true } }).fail({ reason: 'GO' }, { retry: false }))).code).toBe(Status.UNAVAILABLE);
    expect(calls.fail).toBe(1);
  });

  it('retries stay within the call deadline', async () => {
    const { calls, client } = await start(1_000);
    const started = Date.now();
    const error = await failure(client({ retry: { maxAttempts: 1_000, baseDelayMs: 50, allMethods: true } }).fail({ reason: 'GO' }, { deadline: 300 }));
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(calls.fail).toBeGreaterThan(1);
  });

  it('retries a server that is not up yet (connection refused is UNAVAILABLE)', async () => {
    // A port nobody listens on any more; a server appears there while the client backs off.
    const probe = createGrpcServer({ serviceName: 'test', logger: memoryLogger().logger, descriptorSets: [], transport: PLAINTEXT });
    const freePort = await probe.listen('127.0.0.1:0');
    await probe.shutdown();
    const late = createGrpcServer({ serviceName: 'test', logger: memoryLogger().logger, descriptorSets: [], transport: PLAINTEXT });
    late.add(TestServiceDefinition, { echo: async () => ({ requestId: 'late', servingData: '' }) }, openPolicyOf(TestServiceDefinition));
    const client = createServiceClient(TestServiceDefinition, `127.0.0.1:${freePort}`, {
      defaultDeadlineMs: 5_000,
      retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 200, allMethods: true },
    });
    cleanups.push(() => closeServiceClient(client));
    const answer = client.echo({});
    await new Promise((resolve) => setTimeout(resolve, 150));
    await late.listen(`127.0.0.1:${freePort}`);
    cleanups.push(() => late.shutdown());
    expect((await answer).requestId).toBe('late');
  });
});

describe('deadline propagation', () => {
  it('a handler passes its own deadline downstream', async () => {
    const downstream = await start(0, {
      echo: async (_request, context) => ({ requestId: '', servingData: context.deadline?.toISOString() ?? 'none' }),
    });
    const next = downstream.client();
    const upstream = await start(0, {
      echo: async (_request, context) => next.echo({}, { deadline: context.deadline }),
    });
    const deadline = new Date(Date.now() + 3_000);
    const seenDownstream = new Date((await upstream.client().echo({}, { deadline })).servingData);
    expect(Math.abs(seenDownstream.getTime() - deadline.getTime())).toBeLessThan(250);
  });
});

describe('readErrorDetails', () => {
  it('is undefined for errors that are not gRPC client errors', () => {
    expect(readErrorDetails(new Error('boom'))).toBeUndefined();
  });

  it('reads a plain ClientError (no details) as code and message only', () => {
    expect(readErrorDetails(new ClientError('/x.Y/Z', Status.NOT_FOUND, 'gone'))).toEqual({
      code: Status.NOT_FOUND,
      codeName: 'NOT_FOUND',
      message: 'gone',
      metadata: {},
      fieldViolations: [],
      preconditionViolations: [],
    });
  });
});
