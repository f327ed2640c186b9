/**
 * EvaluateListing over real gRPC: throughput and latency percentiles of the listing gate for a
 * realistic listing (Chinese title and description, five image hashes, a brand, the three-no
 * fields), against a service whose re-upload index holds the prints of thousands of banned
 * products and whose brand registry is not empty. One call in ten carries a prohibited claim
 * and is rejected; the rest are approved (product and listing written, score computed, events
 * appended to the outbox) — the gate's real write path, not a read-only probe.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/product-quality/service/bench/evaluate-listing.bench.ts [calls] [concurrency]
 *
 * Prints figures only; nothing here asserts timing. The claims lexicon's own benchmark (scan
 * rate against a per-term regex scan) is libs/policy/claims/bench/lexicon.bench.ts.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MerchantRemovedEvent } from '@govern/contracts-merchant-access';
import { type Listing, ListingDecision, ProductQualityServiceDefinition } from '@govern/contracts-product-quality';
import { startServiceForTest } from '@govern/platform-service-testing';
import { seededRandom } from '@govern/policy-core';
import { createProductQualityService } from '../src/product-quality.service';
import { consumed, meta, onboard, seedCatalogue } from '../src/testing/fixtures';

const CALLS = Number(process.argv[2] ?? 3_000);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const WARM_UP = 200;
const BANNED_PRODUCTS = 5_000;
const BRANDS = 300;
const random = seededRandom(20261128);

const NOUNS = ['保温杯', '电热水壶', '不锈钢锅', '收纳盒', '保鲜盒', '砧板', '餐具套装', '咖啡杯', '焖烧罐', '料理机'];
const ADJECTIVES = ['家用', '大容量', '便携', '加厚', '食品级', '防烫', '双层', '可拆洗', '简约', '北欧风'];
const pick = <T>(list: readonly T[]): T => list[Math.floor(random.next() * list.length)] as T;
const hash = (): string => randomUUID().replaceAll('-', '');

const realisticListing = (merchantId: string, i: number): Listing => {
  const claim = i % 10 === 0;
  return {
    listingId: `BL-${i}-${randomUUID().slice(0, 8)}`,
    productId: `BP-${i}-${randomUUID().slice(0, 8)}`,
    skuId: `BS-${i}`,
    merchantId,
    categoryCode: 'home.kitchen',
    title: `${pick(ADJECTIVES)}${pick(ADJECTIVES)}${pick(NOUNS)} ${300 + (i % 700)}ml 304不锈钢 ${claim ? '全网第一 最好用' : '办公室户外通用'}`,
    description:
      '产品采用304食品级不锈钢内胆，双层真空结构，保温长达12小时，保冷24小时。杯盖采用食品级PP材质，密封圈可拆卸清洗。' +
      '规格：容量见标题，高度约21cm，直径约7cm，净重约300g。包装清单：杯身一个、杯盖一个、说明书一份、合格证一张。' +
      '注意事项：请勿用于盛装碳酸饮料，请勿放入微波炉加热，首次使用前请用温水清洗。7天无理由退货，付款后48小时内发货。' +
      (claim ? '国家级品质，100%有效防漏。' : ''),
    brand: i % 3 === 0 ? `居家品牌${i % 50}` : '',
    manufacturer: '浙江永康某某日用品有限公司',
    productionDate: new Date('2026-09-15T00:00:00Z'),
    batchNumber: `B2026${String(i % 1000).padStart(4, '0')}`,
    certificateCode: 'GB/T 29606-2013',
    imageHashes: [hash(), hash(), hash(), hash(), hash()],
    declaredQualifications: [],
    priceFen: BigInt(2_900 + (i % 100) * 100),
  };
};

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

const main = async (): Promise<void> => {
  const sut = await startServiceForTest(createProductQualityService(), { poolSize: Math.max(10, CONCURRENCY + 2) });
  const client = sut.client(ProductQualityServiceDefinition, {}, { defaultDeadlineMs: 30_000 });
  try {
    await onboard(sut, 'M-BENCH');
    // A realistic re-upload index: a removed merchant's catalogue, banned through the real cascade.
    await onboard(sut, 'M-GONE');
    await seedCatalogue(sut.db, 'M-GONE', BANNED_PRODUCTS);
    const removal = {
      meta: meta(sut),
      merchantId: 'M-GONE',
      zeroTolerance: true,
      depositForfeited: false,
      depositForfeitedFen: 0n,
      reasons: [],
      policy: { name: 'merchant-violations', version: '2026-11-01.1' },
      sanctionId: 'S-GONE',
    };
    await sut.publish(MerchantRemovedEvent, removal);
    await consumed(sut, removal.meta.eventId, 120_000);
    for (let b = 0; b < BRANDS; b++) {
      await client.registerBrand({
        requestId: `brand-${b}`,
        name: `Brand${b} 品牌${b}`,
        aliases: [`品牌${b}号`],
        ownerId: `RH-${b}`,
        trademarkNumber: `TM-${b}`,
        authorisationRequired: true,
        categoryCodes: b % 2 === 0 ? ['home'] : ['food'],
        expiresAt: undefined,
      });
    }

    let next = 0;
    const run = async (count: number, latencies: number[] | undefined, decisions: Map<number, number>): Promise<void> => {
      const worker = async (): Promise<void> => {
        for (;;) {
          const i = next++;
          if (i >= count) return;
          const request = { requestId: `bench-${i}-${randomUUID()}`, listing: realisticListing('M-BENCH', i), action: 0 };
          const started = performance.now();
          const response = await client.evaluateListing(request);
          latencies?.push(performance.now() - started);
          decisions.set(response.decision, (decisions.get(response.decision) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    };

    await run(WARM_UP, undefined, new Map());
    next = 0;
    const latencies: number[] = [];
    const decisions = new Map<number, number>();
    const cpuBefore = process.cpuUsage();
    const loadBefore = loadavg()[0] ?? 0;
    const started = performance.now();
    await run(CALLS, latencies, decisions);
    const elapsedMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    latencies.sort((a, b) => a - b);

    console.log(`EvaluateListing over gRPC (127.0.0.1), PostgreSQL ${sut.database.name}, node ${process.version}, ${cpus().length} CPUs`);
    console.log(`  setup: ${BANNED_PRODUCTS} banned products in the re-upload index, ${BRANDS} protected brands`);
    console.log(`  calls: ${CALLS} after ${WARM_UP} warm-up, concurrency ${CONCURRENCY}`);
    console.log(
      `  decisions: ${decisions.get(ListingDecision.LISTING_DECISION_APPROVED) ?? 0} approved, ${decisions.get(ListingDecision.LISTING_DECISION_REJECTED) ?? 0} rejected`,
    );
    console.log(`  throughput: ${((CALLS / elapsedMs) * 1000).toFixed(0)} calls/s`);
    // Client, service and outbox relay share this process: its CPU per call bounds throughput on one core.
    console.log(`  CPU of this process per call: ${((cpu.user + cpu.system) / 1000 / CALLS).toFixed(2)} ms; machine load average ${loadBefore.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)}`);
    console.log(
      `  latency ms: p50 ${percentile(latencies, 50).toFixed(2)}  p90 ${percentile(latencies, 90).toFixed(2)}  p99 ${percentile(latencies, 99).toFixed(2)}  max ${(latencies.at(-1) ?? 0).toFixed(2)}`,
    );
  } finally {
    await sut.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
