import { commonDescriptorSet, HealthCheckResponse_ServingStatus as Serving } from '@govern/contracts-common';
import { DomainError, notFound, ValidationError } from '@govern/policy-core';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { createChannel, createClient, Metadata, Status } from 'nice-grpc';
import { RichClientError } from 'nice-grpc-error-details';
import { afterEach, describe, expect, it } from 'vitest';
import { createGrpcServer, type GrpcServerOptions, type GrpcServiceImplementation } from './grpc-server';
import { closeServiceClient, createServiceClient, readErrorDetails } from './service-client';
import {
  HealthClientDefinition,
  memoryLogger,
  openPolicyOf,
  PLAINTEXT,
  reflectionDefinition,
  sleep,
  TestServiceDefinition,
  type ReflectionRequest,
} from './test-service.fixture';
import { failure } from './testing/client-error';

const IDENTITY_NUMBER = '110101199003071234';

/** What handlers did, so tests can assert on side effects (or their absence). */
interface Effects {
  started: string[];
  committed: string[];
}

const testService = (effects: Effects): GrpcServiceImplementation<typeof TestServiceDefinition> => ({
  async echo(_request, context) {
    return { requestId: context.requestId, servingData: context.deadline?.toISOString() ?? '' };
  },
  async fail(request) {
    switch (request.reason) {
      case 'VALIDATION':
        throw new ValidationError([
          { field: 'application.bank_account', description: 'must have 16 to 19 digits', reason: 'FORMAT' },
          { field: 'application.legal_name', description: 'is required', reason: 'REQUIRED' },
        ]);
      case 'NOT_FOUND':
        throw notFound('MERCHANT.NOT_FOUND', 'merchant m-1 does not exist', { merchant_id: 'm-1' });
      case 'PRECONDITION':
        throw new DomainError('FAILED_PRECONDITION', 'LISTING.MERCHANT_SUSPENDED', 'the merchant is suspended', { subject: 'merchants/m-1' });
      default:
        throw new Error(`connection to postgres://svc:hunter2@db failed for ${request.domain}`);
    }
  },
  async slow(request, context) {
    effects.started.push(request.requestId);
    await sleep(Number(request.servingData), context.signal);
    effects.committed.push(request.requestId);
    return request;
  },
  async upload(request) {
    return { typeUrl: request.typeUrl, value: Buffer.alloc(0) };
  },
  async *ticks(request, context) {
    for (let i = 0; i < Number(request.servingData); i++) {
      await sleep(20, context.signal);
      yield { requestId: `${request.requestId}-${i}`, servingData: '' };
    }
  },
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const start = async (options: Partial<GrpcServerOptions> = {}) => {
  const memory = memoryLogger();
  const effects: Effects = { started: [], committed: [] };
  const server = createGrpcServer({ serviceName: 'test', logger: memory.logger, descriptorSets: [commonDescriptorSet], transport: PLAINTEXT, ...options });
  server.add(TestServiceDefinition, testService(effects), openPolicyOf(TestServiceDefinition));
  const port = await server.listen('127.0.0.1:0');
  const address = `127.0.0.1:${port}`;
  const clients: object[] = [];
  cleanups.push(async () => {
    clients.forEach(closeServiceClient);
    await server.shutdown().catch(() => undefined);
  });
  const test = createServiceClient(TestServiceDefinition, address, { defaultDeadlineMs: 5_000 });
  const health = createServiceClient(HealthClientDefinition, address, { defaultDeadlineMs: 5_000 });
  clients.push(test, health);
  return { server, address, effects, test, health, ...memory };
};

const waitFor = async (condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(5);
  }
};

describe('health', () => {
  it('answers SERVING for the server and each registered service, NOT_FOUND for others', async () => {
    const { health } = await start();
    expect(await health.check({ service: '' })).toEqual({ status: Serving.SERVING });
    expect(await health.check({ service: 'govern.test.v1.TestService' })).toEqual({ status: Serving.SERVING });
    expect((await failure(health.check({ service: 'govern.nope.v1.Nope' }))).code).toBe(Status.NOT_FOUND);
    expect((await health.list({})).statuses['govern.test.v1.TestService']).toEqual({ status: Serving.SERVING });
  });

  it('lets the app mark a service NOT_SERVING', async () => {
    const { server, health } = await start();
    server.health.set('govern.test.v1.TestService', 'NOT_SERVING');
    expect(await health.check({ service: 'govern.test.v1.TestService' })).toEqual({ status: Serving.NOT_SERVING });
    expect(await health.check({ service: '' })).toEqual({ status: Serving.SERVING });
  });

  it('Watch sees NOT_SERVING on shutdown, then the stream ends without holding the drain', async () => {
    const { server, health } = await start({ shutdownGraceMs: 5_000 });
    const seen: Serving[] = [];
    const watching = (async () => {
      for await (const { status } of health.watch({ service: '' }, { deadline: 10_000 })) {
        seen.push(status);
        if (status === Serving.SERVING) void server.shutdown();
      }
    })();
    const started = Date.now();
    await watching;
    await server.shutdown();
    expect(seen).toEqual([Serving.SERVING, Serving.NOT_SERVING]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.health.get('')).toBe('NOT_SERVING');
  });
});

describe('reflection', () => {
  const reflect = async (address: string, version: 'v1' | 'v1alpha', requests: ReflectionRequest[]) => {
    const channel = createChannel(address);
    try {
      const client = createClient(reflectionDefinition(version), channel);
      const responses = [];
      for await (const response of client.serverReflectionInfo((async function* () {
        yield* requests;
      })())) {
        responses.push(response);
      }
      return responses;
    } finally {
      channel.close();
    }
  };

  it.each(['v1', 'v1alpha'] as const)('lists the services and serves their files (%s)', async (version) => {
    const { address } = await start();
    const [listed, file] = await reflect(address, version, [{ listServices: '' }, { fileContainingSymbol: 'grpc.health.v1.Health' }]);
    expect(listed?.services).toEqual(['govern.test.v1.TestService', 'grpc.health.v1.Health']);
    const descriptor = new BinaryReader(file?.fileDescriptorProtos[0] ?? new Uint8Array());
    descriptor.tag();
    expect(descriptor.string()).toBe('grpc/health/v1/health.proto');
  });

  it('warns at listen about a registered service no descriptor set describes', async () => {
    const { lines } = await start();
    expect(lines.find((line) => line.msg.startsWith('no descriptor'))).toMatchObject({ services: ['govern.test.v1.TestService'] });
  });
});

describe('per-call logging', () => {
  it('logs one line per call with rpc, request_id, status and duration, and never the body', async () => {
    const { test, lines, text } = await start();
    await test.echo({ requestId: 'req-42', servingData: IDENTITY_NUMBER });
    await test.fail({ reason: 'VALIDATION', domain: IDENTITY_NUMBER }, { metadata: Metadata({ 'x-request-id': 'hdr-7' }) }).catch(() => undefined);
    await test.upload({ typeUrl: IDENTITY_NUMBER });

    const finished = lines.filter((line) => line.msg === 'rpc finished');
    expect(finished).toEqual([
      expect.objectContaining({ rpc: '/govern.test.v1.TestService/Echo', request_id: 'req-42', code: 'OK', duration_ms: expect.any(Number) }),
      expect.objectContaining({ rpc: '/govern.test.v1.TestService/Fail', request_id: 'hdr-7', code: 'INVALID_ARGUMENT', reason: 'REQUEST.INVALID' }),
      expect.objectContaining({ rpc: '/govern.test.v1.TestService/Upload', request_id: expect.stringMatching(/^[0-9a-f-]{36}$/), code: 'OK' }),
    ]);
    expect(text()).not.toContain(IDENTITY_NUMBER);
  });

  it('gives the handler the request id, and echoes it in the response header', async () => {
    const { test } = await start();
    let header: string | undefined;
    const response = await test.echo({ requestId: 'req-43' }, { onHeader: (metadata) => (header = metadata.get('x-request-id')) });
    expect(response.requestId).toBe('req-43');
    expect(header).toBe('req-43');
  });
});

describe('error mapping', () => {
  it('ValidationError → INVALID_ARGUMENT with ErrorInfo and field violations the client can read', async () => {
    const { test } = await start();
    const error = await failure(test.fail({ reason: 'VALIDATION' }, { metadata: Metadata({ 'x-request-id': 'r-9' }) }));
    expect(readErrorDetails(error)).toEqual({
      code: Status.INVALID_ARGUMENT,
      codeName: 'INVALID_ARGUMENT',
      message: 'application.bank_account: must have 16 to 19 digits; application.legal_name: is required',
      reason: 'REQUEST.INVALID',
      domain: 'test.govern',
      metadata: {},
      fieldViolations: [
        { field: 'application.bank_account', description: 'must have 16 to 19 digits', reason: 'FORMAT' },
        { field: 'application.legal_name', description: 'is required', reason: 'REQUIRED' },
      ],
      preconditionViolations: [],
      requestId: 'r-9',
    });
    // nice-grpc-error-details clients read the same trailer.
    expect(error).toBeInstanceOf(RichClientError);
    expect((error as RichClientError).extra).toContainEqual(expect.objectContaining({ $type: 'google.rpc.ErrorInfo', reason: 'REQUEST.INVALID' }));
  });

  it('maps other domain errors by kind, with their metadata and precondition', async () => {
    const { test } = await start();
    expect(readErrorDetails(await failure(test.fail({ reason: 'NOT_FOUND' })))).toMatchObject({
      codeName: 'NOT_FOUND',
      reason: 'MERCHANT.NOT_FOUND',
      metadata: { merchant_id: 'm-1' },
    });
    expect(readErrorDetails(await failure(test.fail({ reason: 'PRECONDITION' })))).toMatchObject({
      codeName: 'FAILED_PRECONDITION',
      reason: 'LISTING.MERCHANT_SUSPENDED',
      preconditionViolations: [{ type: 'LISTING.MERCHANT_SUSPENDED', subject: 'merchants/m-1', description: 'the merchant is suspended' }],
    });
  });

  it('unknown error → INTERNAL without stack or secrets; the stack is in the server log', async () => {
    const { test, lines } = await start();
    const error = await failure(test.fail({ reason: 'BUG', domain: 'x' }, { metadata: Metadata({ 'x-request-id': 'r-500' }) }));
    const details = readErrorDetails(error);
    expect(details).toMatchObject({ codeName: 'INTERNAL', message: 'Internal error (request_id r-500)', reason: 'INTERNAL', requestId: 'r-500' });
    expect(JSON.stringify(details)).not.toMatch(/hunter2|postgres|\bat\b.*\.ts/);
    const logged = lines.find((line) => line.msg === 'unexpected error in handler') as { err?: { stack?: string }; request_id?: string } | undefined;
    expect(logged?.request_id).toBe('r-500');
    expect(logged?.err?.stack).toContain('hunter2');
    expect(logged?.err?.stack).toContain('grpc-server.int.spec.ts');
  });

  it('a method the implementation leaves out answers UNIMPLEMENTED', async () => {
    const { test } = await start();
    const error = await failure(test.later({}));
    expect(error.code).toBe(Status.UNIMPLEMENTED);
    expect(error.details).toBe('/govern.test.v1.TestService/Later is not implemented yet');
  });

  it('an empty implementation registers, every method UNIMPLEMENTED', async () => {
    const memory = memoryLogger();
    const server = createGrpcServer({ serviceName: 'test', logger: memory.logger, descriptorSets: [], transport: PLAINTEXT });
    server.add(TestServiceDefinition, {}, openPolicyOf(TestServiceDefinition));
    const port = await server.listen('127.0.0.1:0');
    const client = createServiceClient(TestServiceDefinition, `127.0.0.1:${port}`, { defaultDeadlineMs: 5_000 });
    cleanups.push(async () => {
      closeServiceClient(client);
      await server.shutdown();
    });
    expect((await failure(client.echo({}))).code).toBe(Status.UNIMPLEMENTED);
    expect(memory.lines.find((line) => line.msg.includes('not implemented'))).toMatchObject({ methods: Object.keys(TestServiceDefinition.methods) });
  });

  it('a request over maxReceiveMessageBytes → RESOURCE_EXHAUSTED', async () => {
    const { test } = await start({ maxReceiveMessageBytes: 1_024 });
    expect(await test.upload({ typeUrl: 'small', value: Buffer.alloc(512) })).toEqual({ typeUrl: 'small', value: Buffer.alloc(0) });
    expect((await failure(test.upload({ typeUrl: 'big', value: Buffer.alloc(4_096) }))).code).toBe(Status.RESOURCE_EXHAUSTED);
  });
});

describe('deadlines', () => {
  it('the handler sees the caller deadline (default or per call)', async () => {
    const { test } = await start();
    const explicit = new Date(Date.now() + 2_000);
    const seen = new Date((await test.echo({}, { deadline: explicit })).servingData);
    // Sent as time left, so the server's copy is late by the time the request took to leave.
    expect(Math.abs(seen.getTime() - explicit.getTime())).toBeLessThan(250);

    const before = Date.now();
    const byDefault = new Date((await test.echo({}, { deadline: undefined })).servingData);
    expect(byDefault.getTime() - before).toBeGreaterThan(4_750);
    expect(byDefault.getTime() - before).toBeLessThan(5_250);
  });

  it('a deadline that passes mid-call → DEADLINE_EXCEEDED and the work is not committed', async () => {
    const { test, effects, lines } = await start();
    const error = await failure(test.slow({ requestId: 'late', servingData: '300' }, { deadline: 100 }));
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    await sleep(400);
    expect(effects.started).toEqual(['late']);
    expect(effects.committed).toEqual([]);
    // The client's own timer cancels the call at about the server's deadline; on a loaded
    // machine the cancel can arrive first, and the server's line then says CANCELLED.
    const line = lines.find((l) => l.rpc === '/govern.test.v1.TestService/Slow' && l.msg === 'rpc finished');
    expect(['DEADLINE_EXCEEDED', 'CANCELLED']).toContain(line?.['code']);
  });

  it('a call that arrives past its deadline → DEADLINE_EXCEEDED and the handler never runs', async () => {
    const { address, effects } = await start();
    // A raw client: no client-side timer, so only the server can end the call.
    const channel = createChannel(address);
    cleanups.push(async () => channel.close());
    const raw = createClient(TestServiceDefinition, channel);
    const error = await failure(raw.slow({ requestId: 'expired', servingData: '0' }, { metadata: Metadata({ 'grpc-timeout': '0m' }) }));
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    await sleep(50);
    expect(effects.started).toEqual([]);
  });
});

describe('shutdown', () => {
  it('drains every accepted call, refuses new ones, then runs closers in reverse order', async () => {
    const { server, test, address, effects } = await start({ shutdownGraceMs: 5_000 });
    const closed: string[] = [];
    server.onShutdown(() => void closed.push(`db after ${effects.committed.length} commits`), 'db');
    server.onShutdown(() => void closed.push('bus'), 'bus');

    const calls = Array.from({ length: 20 }, (_, i) => test.slow({ requestId: `r${i}`, servingData: '300' }));
    await waitFor(() => effects.started.length === 20);
    const stopping = server.shutdown();
    await sleep(20);

    const late = createServiceClient(TestServiceDefinition, address, { defaultDeadlineMs: 2_000 });
    cleanups.push(async () => closeServiceClient(late));
    expect((await failure(late.echo({}))).code).toBe(Status.UNAVAILABLE);

    const results = await Promise.allSettled(calls);
    await stopping;
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(effects.committed).toHaveLength(20);
    expect(closed).toEqual(['bus', 'db after 20 commits']);
  });

  it('a server stream in flight is drained too', async () => {
    const { server, test } = await start({ shutdownGraceMs: 5_000 });
    const received: string[] = [];
    const streaming = (async () => {
      for await (const tick of test.ticks({ requestId: 't', servingData: '5' })) {
        received.push(tick.requestId);
        if (received.length === 1) void server.shutdown();
      }
    })();
    await streaming;
    expect(received).toEqual(['t-0', 't-1', 't-2', 't-3', 't-4']);
  });

  it('cancels calls still running after the grace period, then still runs closers', async () => {
    const { server, test, effects, lines } = await start({ shutdownGraceMs: 200 });
    const closed: string[] = [];
    server.onShutdown(() => void closed.push('db'));
    const stuck = failure(test.slow({ requestId: 'stuck', servingData: '60000' }, { deadline: 30_000 }));
    await waitFor(() => effects.started.length === 1);
    const started = Date.now();
    await server.shutdown();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect([Status.CANCELLED, Status.UNAVAILABLE]).toContain((await stuck).code);
    expect(effects.committed).toEqual([]);
    expect(closed).toEqual(['db']);
    expect(lines.some((line) => line.msg === 'shutdown: cancelling the calls still running')).toBe(true);
  });

  it('runs every closer even when one fails, then rejects', async () => {
    const { server } = await start();
    const closed: string[] = [];
    server.onShutdown(() => void closed.push('db'), 'db');
    server.onShutdown(() => {
      throw new Error('bus would not close');
    }, 'bus');
    await expect(server.shutdown()).rejects.toThrow('shutdown: 1 step(s) failed');
    expect(closed).toEqual(['db']);
  });

  it('is idempotent', async () => {
    const { server } = await start();
    let closes = 0;
    server.onShutdown(() => void closes++);
    await Promise.all([server.shutdown(), server.shutdown()]);
    await server.shutdown();
    expect(closes).toBe(1);
  });
});
