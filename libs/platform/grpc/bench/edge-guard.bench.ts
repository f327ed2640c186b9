/**
 * Per-call cost of the edge guard on the hot path: a typical EvaluateListing request (a listing
 * with Chinese title and description, four image hashes, a production date) decoded by ts-proto
 * alone vs. checked by the guard then decoded. Prints figures; asserts nothing.
 *
 *   npx tsx libs/platform/grpc/bench/edge-guard.bench.ts
 */
import { commonDescriptorSet } from '@govern/contracts-common';
import { EvaluateListingRequest, productQualityDescriptorSet } from '@govern/contracts-product-quality';
import { mergeDescriptorSets } from '../src/descriptor-set';
import { createEdgeGuard } from '../src/edge-guard/edge-guard';

const bytes = EvaluateListingRequest.encode({
  requestId: 'req-2f9c1e7a-5b3d-4c8e-9a61-0d2e4f6b8c10',
  action: 1,
  listing: {
    listingId: 'listing-000123456',
    productId: 'product-000987654',
    skuId: 'sku-000555',
    merchantId: 'merchant-00042',
    categoryCode: 'home.kitchen.cups',
    title: '不锈钢真空保温杯 500ml 大容量 商务礼品',
    description: '采用 304 不锈钢内胆，双层真空结构，保温 12 小时。'.repeat(8),
    brand: 'Acme',
    manufacturer: '浙江某某日用品有限公司',
    productionDate: new Date('2026-10-01T00:00:00Z'),
    batchNumber: 'B20261001-07',
    certificateCode: 'CCC-2026-000123',
    imageHashes: ['9f86d081884c7d65', '2c26b46b68ffc68f', 'fcde2b2edba56bf4', 'b5bb9d8014a0f9b1'],
    declaredQualifications: ['food-contact'],
    priceFen: 12_900n,
  },
}).finish();

const guard = createEdgeGuard(mergeDescriptorSets([commonDescriptorSet, productQualityDescriptorSet]).bytes);
const decode = (b: Uint8Array) => EvaluateListingRequest.decode(b);
const guarded = guard.deserializer('/govern.product_quality.v1.ProductQualityService/EvaluateListing', decode);

/** ns per call of `fn` over `iterations` calls. */
const perCall = (fn: (b: Uint8Array) => unknown, iterations: number): number => {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(bytes);
  return Number(process.hrtime.bigint() - started) / iterations;
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

// Alternating rounds, medians: the machine is shared, so one long run of each would compare noise.
const rounds = 15;
const iterations = 20_000;
perCall(decode, iterations);
perCall(guarded, iterations);
const plain: number[] = [];
const both: number[] = [];
for (let round = 0; round < rounds; round++) {
  plain.push(perCall(decode, iterations));
  both.push(perCall(guarded, iterations));
}
const p = median(plain);
const b = median(both);
console.log(`EvaluateListingRequest, ${bytes.length} bytes; median of ${rounds} alternating rounds of ${iterations} calls`);
console.log(`ts-proto decode              ${(p / 1000).toFixed(2)} µs/call`);
console.log(`edge guard + decode          ${(b / 1000).toFixed(2)} µs/call`);
console.log(`edge guard overhead          ${((b - p) / 1000).toFixed(2)} µs/call (${(((b - p) / p) * 100).toFixed(0)}% of decode)`);
