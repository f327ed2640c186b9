import { commonDescriptorSet } from '@govern/contracts-common';
import { ProductQualityServiceDefinition, productQualityDescriptorSet } from '@govern/contracts-product-quality';
import { createGrpcServer, RequestChecks, type GrpcServiceImplementation } from '@govern/platform-grpc';
import { notFound } from '@govern/policy-core';
import { ServerError, Status } from 'nice-grpc';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { formatFuzzFailures, fuzzRpc, fuzzSeedFrom, unaryRpcsOf } from './fuzz-runner';
import { createRawGrpcClient } from './raw-client';

/**
 * The fuzz property must bite: a small service on the real server kit, one handler at a time
 * deliberately broken, and the property reports it (and stays quiet for a correct handler).
 */
const seed = fuzzSeedFrom(process.env['FUZZ_SEED']);
const GET_PRODUCT = '/govern.product_quality.v1.ProductQualityService/GetProduct';
const rpc = unaryRpcsOf([productQualityDescriptorSet]).find((r) => r.path === GET_PRODUCT);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const serve = async (getProduct: NonNullable<GrpcServiceImplementation<typeof ProductQualityServiceDefinition>['getProduct']>) => {
  const server = createGrpcServer({ serviceName: 'fuzz-probe', logger: pino({ level: 'silent' }), descriptorSets: [commonDescriptorSet, productQualityDescriptorSet], transport: { mode: 'plaintext' } });
  // Open to anyone: this probes the fuzz runner against the kit's answers, not authorization.
  server.add(ProductQualityServiceDefinition, { getProduct }, { service: ProductQualityServiceDefinition.fullName, rules: { GetProduct: { public: true } } });
  const port = await server.listen('127.0.0.1:0');
  const client = createRawGrpcClient(`127.0.0.1:${port}`);
  cleanups.push(async () => {
    client.close();
    await server.shutdown();
  });
  return client;
};

const run = async (getProduct: Parameters<typeof serve>[0], deadlineMs = 3_000) => {
  if (!rpc) throw new Error(`${GET_PRODUCT} is not in the descriptors`);
  return fuzzRpc(await serve(getProduct), rpc, { seed, runs: 50, deadlineMs });
};

describe('the fuzz property', () => {
  it('finds every unary RPC of a service in its descriptors', () => {
    expect(unaryRpcsOf([productQualityDescriptorSet]).length).toBeGreaterThan(25);
    expect(rpc?.input.typeName).toBe('govern.product_quality.v1.GetProductRequest');
  });

  it('holds for a handler that checks its request with the kit', async () => {
    const report = await run(async (request) => {
      const checks = new RequestChecks();
      const { productId } = checks.done({ productId: checks.id('product_id', request.productId) });
      throw notFound('PRODUCT.NOT_FOUND', `no product ${productId}`, { product_id: productId });
    });
    expect(report.failures, formatFuzzFailures([report])).toEqual([]);
    expect(report.runs).toBe(50);
  });

  it('fails for a handler that lets an unexpected error out (INTERNAL)', async () => {
    const report = await run(async (request) => {
      if (request.productId.length > 20) throw new Error('value too long for type character varying(20)');
      throw notFound('PRODUCT.NOT_FOUND', 'no such product');
    });
    expect(report.failures.map((f) => f.problem)).toContain('INTERNAL');
    expect(formatFuzzFailures([report])).toContain(`FUZZ_SEED=${seed}`);
  });

  it('fails for a handler that refuses input without field violations', async () => {
    const report = await run(async () => {
      throw new ServerError(Status.INVALID_ARGUMENT, 'bad request');
    });
    expect(report.failures.map((f) => f.problem)).toContain('INVALID_ARGUMENT without field violations');
  });

  it('fails for a handler that hangs on some input', async () => {
    const report = await run(async (request, context) => {
      if (request.productId.includes('-')) await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      throw notFound('PRODUCT.NOT_FOUND', 'no such product');
    }, 300);
    expect(report.failures.map((f) => f.problem)).toContain('hang (deadline passed)');
  });
});
