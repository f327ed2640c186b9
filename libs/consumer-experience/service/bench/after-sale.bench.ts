/**
 * After-sale decision benchmark: RequestAfterSale over real gRPC + PostgreSQL + NATS, each call a
 * full decision — order row locked, eligibility and fast-refund rules, the after-sale and its audit
 * row, the refund, a balanced ledger posting, order totals, the RefundIssued event in the outbox,
 * debounced report timers — committed in one transaction, idempotent by request_id.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/consumer-experience/service/bench/after-sale.bench.ts [decisions=2000] [concurrency=16]
 *
 * Prints figures only; nothing here asserts timing.
 */
import { performance } from 'node:perf_hooks';
import { FastRefundOutcome, FulfilmentType } from '@govern/contracts-consumer-experience';
import { HOUR } from '@govern/policy-core';
import { startFixture } from '../src/testing/service-fixture';
import { preDispatchRefundRequest } from './bench-kit';

const DECISIONS = Number(process.argv[2] ?? 2_000);
const CONCURRENCY = Number(process.argv[3] ?? 16);

const runPool = async (count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    }),
  );
};

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

const main = async (): Promise<void> => {
  const f = await startFixture();
  try {
    const paidAt = new Date(f.clock.now().getTime() - HOUR);
    // Orders of many merchants and buyers, as on the platform (no buyer looks abusive, no row is shared).
    await runPool(DECISIONS, CONCURRENCY, async (i) => {
      await f.client.recordOrder({
        requestId: `order-req-${i}`,
        orderId: `order-${i}`,
        buyerId: `buyer-${i}`,
        merchantId: `merchant-${i % 200}`,
        productId: `product-${i % 500}`,
        skuId: `sku-${i % 500}`,
        categoryCode: 'home.kitchen',
        attributedContentId: `video-${i % 300}`,
        attributedCreatorId: `creator-${i % 100}`,
        amountFen: 5_000n + BigInt(i % 100) * 100n,
        paidAt,
        fulfilment: FulfilmentType.FULFILMENT_TYPE_IN_STOCK,
        returnExemptions: [],
      });
    });

    const latencies: number[] = [];
    let granted = 0;
    const started = performance.now();
    await runPool(DECISIONS, CONCURRENCY, async (i) => {
      const t0 = performance.now();
      const { afterSale } = await f.client.requestAfterSale(preDispatchRefundRequest(`after-sale-req-${i}`, `order-${i}`, `buyer-${i}`));
      latencies.push(performance.now() - t0);
      if (afterSale?.fastRefund?.outcome === FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED) granted += 1;
    });
    const elapsedMs = performance.now() - started;

    const { ledger } = await f.client.getFundLedger({});
    const sorted = [...latencies].sort((a, b) => a - b);
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(`after-sale decisions with the ledger write: ${DECISIONS} calls, concurrency ${CONCURRENCY}`);
    console.log(`  throughput   ${(DECISIONS / (elapsedMs / 1000)).toFixed(0)} decisions/s  (${(elapsedMs / 1000).toFixed(2)} s)`);
    console.log(`  latency      p50 ${fmt(percentile(sorted, 50))}  p95 ${fmt(percentile(sorted, 95))}  p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted.at(-1) ?? 0)}`);
    console.log(`  fast refunds granted and paid: ${granted}/${DECISIONS}`);
    console.log(`  ledger: ${ledger?.transactionCount} transactions, balanced=${ledger?.balanced} (debits ${ledger?.totalDebitsFen} = credits ${ledger?.totalCreditsFen})`);
  } finally {
    await f.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
