import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { Client, credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { commonDescriptorSet, ErrorInfo, RequestInfo } from '@govern/contracts-common';
import { EvaluateListingRequest, ListingAction, ProductQualityServiceDefinition, productQualityDescriptorSet } from '@govern/contracts-product-quality';
import { notFound, ValidationError } from '@govern/policy-core';
import { ServerError, Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER_LIMITS } from './bounded-answer';
import { createGrpcServer, type GrpcServer } from './grpc-server';
import { closeServiceClient, createServiceClient, errorDetailsOf, readErrorDetails } from './service-client';
import { memoryLogger, openPolicyOf, PLAINTEXT, TestServiceDefinition } from './test-service.fixture';

/**
 * The edge as a hostile client sees it: a raw grpc-js client sends bytes it chooses, on one
 * connection, and reads status, details and trailers (issue 11's "What was seen").
 */
interface RawAnswer {
  code: number;
  details: string;
  trailerBytes: number;
  headers: Metadata | undefined;
  fieldViolations: { field: string; reason: string }[];
  reason: string;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const start = async (): Promise<{ server: GrpcServer; address: string; raw: Client }> => {
  const { logger } = memoryLogger();
  const server = createGrpcServer({ serviceName: 'test', logger, descriptorSets: [commonDescriptorSet, productQualityDescriptorSet], transport: PLAINTEXT });
  server.add(TestServiceDefinition, {
    async echo(request) {
      return request;
    },
    async fail(request) {
      if (request.reason === 'VALIDATION') throw new ValidationError([{ field: 'linked_products[1].product_id', description: `product ${request.domain} is linked twice`, reason: 'DUPLICATE' }]);
      if (request.reason === 'NOT_FOUND') throw notFound('PRODUCT.NOT_FOUND', `no product ${request.domain}`, { product_id: request.domain });
      if (request.reason === 'MANY') {
        throw new ValidationError(Array.from({ length: 5_000 }, (_, i) => ({ field: `items[${i}].${request.domain}`, description: request.domain, reason: 'TOO_LONG' })));
      }
      throw new ServerError(Status.FAILED_PRECONDITION, `cannot act on ${request.domain}`);
    },
  }, openPolicyOf(TestServiceDefinition));
  server.add(ProductQualityServiceDefinition, {
    async evaluateListing(request) {
      return { evaluationId: `e-${request.requestId}`, decision: 1, reasons: [], threeNo: false, zeroTolerance: false, claimHits: [] };
    },
  }, openPolicyOf(ProductQualityServiceDefinition));
  const port = await server.listen('127.0.0.1:0');
  const address = `127.0.0.1:${port}`;
  const raw = new Client(address, credentials.createInsecure());
  cleanups.push(async () => {
    raw.close();
    await server.shutdown().catch(() => undefined);
  });
  return { server, address, raw };
};

const call = (raw: Client, path: string, body: Uint8Array, metadata = new Metadata(), deadlineMs = 3_000): Promise<RawAnswer> =>
  new Promise((resolve) => {
    let headers: Metadata | undefined;
    const identity = (b: Buffer): Buffer => b;
    const pending = raw.makeUnaryRequest(path, identity, identity, Buffer.from(body), metadata, { deadline: Date.now() + deadlineMs }, (error: ServiceError | null) => {
      const trailer = error?.metadata ?? new Metadata();
      const trailerBytes = Object.entries(trailer.toHttp2Headers()).reduce((sum, [k, v]) => sum + k.length + String(v).length, 0) + (error?.details.length ?? 0);
      const bin = trailer.get('grpc-status-details-bin')[0];
      const details = error ? errorDetailsOf(error.code, error.details, bin instanceof Buffer ? bin : undefined) : undefined;
      resolve({
        code: error?.code ?? GrpcStatus.OK,
        details: error?.details ?? '',
        trailerBytes,
        headers,
        fieldViolations: details?.fieldViolations.map(({ field, reason }) => ({ field, reason })) ?? [],
        reason: details?.reason ?? '',
      });
    });
    pending.on('metadata', (m: Metadata) => (headers = m));
  });

const ECHO = '/govern.test.v1.TestService/Echo';
const FAIL = '/govern.test.v1.TestService/Fail';
const EVALUATE = '/govern.product_quality.v1.ProductQualityService/EvaluateListing';
const encodeFail = (reason: string, domain: string) => ErrorInfo.encode({ reason, domain, metadata: {} }).finish();
const encodeEcho = (requestId: string) => RequestInfo.encode({ requestId, servingData: '' }).finish();

describe('hardened edge (a raw client on one connection)', () => {
  it('a 70,000-character input echoed in an error answers INVALID_ARGUMENT within the trailer budget, and the connection keeps answering', async () => {
    const { raw } = await start();
    const huge = 'p'.repeat(70_000);
    for (const reason of ['VALIDATION', 'NOT_FOUND', 'MANY', 'PLAIN']) {
      const answer = await call(raw, FAIL, encodeFail(reason, huge));
      expect(answer.code).not.toBe(GrpcStatus.DEADLINE_EXCEEDED);
      expect(answer.trailerBytes).toBeLessThanOrEqual(DEFAULT_ANSWER_LIMITS.maxTrailerBytes);
      expect(answer.details.length).toBeLessThanOrEqual(DEFAULT_ANSWER_LIMITS.messageMaxChars);
      const started = Date.now();
      expect((await call(raw, ECHO, encodeEcho('after'))).code).toBe(GrpcStatus.OK);
      expect(Date.now() - started).toBeLessThan(1_000);
    }
    const many = await call(raw, FAIL, encodeFail('MANY', 'x'.repeat(3_000)));
    expect(many.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(many.fieldViolations.length).toBeGreaterThan(0);
    expect(many.fieldViolations.at(-1)?.reason).toBe('TRUNCATED');
  });

  it('a request_id that is not a header value is echoed percent-encoded, never UNKNOWN', async () => {
    const { raw } = await start();
    const answer = await call(raw, ECHO, encodeEcho('退款-1\u0000'));
    expect(answer.code).toBe(GrpcStatus.OK);
    expect(answer.headers?.get('x-request-id')).toEqual(['%E9%80%80%E6%AC%BE-1%00']);
  });

  it('bytes that do not decode → INVALID_ARGUMENT MALFORMED_MESSAGE (not INTERNAL), described or not', async () => {
    const { raw } = await start();
    for (const path of [ECHO, EVALUATE]) {
      const answer = await call(raw, path, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
      expect(answer).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, reason: 'REQUEST.MALFORMED', fieldViolations: [{ field: '', reason: 'MALFORMED_MESSAGE' }] });
    }
    expect((await call(raw, ECHO, encodeEcho('still-fine'))).code).toBe(GrpcStatus.OK);
  });

  it('hostile field values of a described RPC → INVALID_ARGUMENT with field paths before the handler runs', async () => {
    const { raw } = await start();
    const body = EvaluateListingRequest.encode({
      requestId: 'r\u0000',
      action: 77 as ListingAction,
      listing: { ...emptyListing, title: 'x', imageHashes: ['a', 'b', 'c', '\u0000'] },
    }).finish();
    const answer = await call(raw, EVALUATE, body);
    expect(answer.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(answer.reason).toBe('REQUEST.INVALID');
    expect(answer.fieldViolations).toEqual([
      { field: 'request_id', reason: 'CONTAINS_NUL' },
      { field: 'listing.image_hashes[3]', reason: 'CONTAINS_NUL' },
    ]);
    const ok = await call(raw, EVALUATE, EvaluateListingRequest.encode({ requestId: 'r-1', action: 1, listing: { ...emptyListing, title: 'x' } }).finish());
    expect(ok.code).toBe(GrpcStatus.OK);
    // Unknown enum numbers reach the handler, whose checks list them with everything else.
    expect((await call(raw, EVALUATE, EvaluateListingRequest.encode({ requestId: 'r-2', action: 77 as ListingAction, listing: { ...emptyListing, title: 'x' } }).finish())).code).toBe(GrpcStatus.OK);
  });

  it('a typed client sending a time before year 1 gets INVALID_TIMESTAMP on the field, not "is required"', async () => {
    const { address } = await start();
    const client = createServiceClient(ProductQualityServiceDefinition, address, { defaultDeadlineMs: 3_000 });
    cleanups.push(() => closeServiceClient(client));
    const error = await client.evaluateListing({ requestId: 'r', action: 1, listing: { ...emptyListing, productionDate: new Date('-000001-06-01T00:00:00Z') } }).catch((e: unknown) => e);
    expect(readErrorDetails(error)).toMatchObject({ code: Status.INVALID_ARGUMENT, fieldViolations: [{ field: 'listing.production_date', reason: 'INVALID_TIMESTAMP' }] });
  });
});

describe('listen', () => {
  it('a failed bind says why, leaves the server able to listen elsewhere and to shut down', async () => {
    const blocker: TcpServer = await new Promise((resolve) => {
      const tcp = createTcpServer();
      tcp.listen(0, '127.0.0.1', () => resolve(tcp));
    });
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const taken = (blocker.address() as { port: number }).port;
    const { logger } = memoryLogger();
    let closed = 0;
    const server = createGrpcServer({ serviceName: 'test', logger, descriptorSets: [commonDescriptorSet], transport: PLAINTEXT });
    server.add(TestServiceDefinition, { echo: async (r) => r }, openPolicyOf(TestServiceDefinition));
    server.onShutdown(() => closed++, 'db');
    await expect(server.listen(`127.0.0.1:${taken}`)).rejects.toThrow(`gRPC server could not listen on 127.0.0.1:${taken}`);
    expect(server.health.get('')).not.toBe('SERVING');
    const port = await server.listen('127.0.0.1:0');
    const client = createServiceClient(TestServiceDefinition, `127.0.0.1:${port}`, { defaultDeadlineMs: 3_000 });
    expect(await client.echo({ requestId: 'ok', servingData: '' })).toEqual({ requestId: 'ok', servingData: '' });
    closeServiceClient(client);
    await server.shutdown();
    expect(closed).toBe(1);
  });

  it('a server whose only bind failed still shuts down and runs its closers', async () => {
    const { logger } = memoryLogger();
    let closed = 0;
    const server = createGrpcServer({ serviceName: 'test', logger, descriptorSets: [commonDescriptorSet], transport: PLAINTEXT });
    server.onShutdown(() => closed++, 'db');
    await expect(server.listen('256.0.0.1:1')).rejects.toThrow(/could not listen on 256\.0\.0\.1:1/);
    await server.shutdown();
    expect(closed).toBe(1);
  });
});

const emptyListing = {
  listingId: 'l',
  productId: 'p',
  skuId: 's',
  merchantId: 'm',
  categoryCode: 'c',
  title: '',
  description: '',
  brand: '',
  manufacturer: '',
  productionDate: undefined,
  batchNumber: '',
  certificateCode: '',
  imageHashes: [],
  declaredQualifications: [],
  priceFen: 1n,
};
