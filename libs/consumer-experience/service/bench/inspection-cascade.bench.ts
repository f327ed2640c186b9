/**
 * Cascade benchmark: one critical InspectionFailed event for a product with N recent buyers
 * (default 10,000). The consumer pays the first chunk of orders in its own transaction; durable jobs
 * pay the rest, one chunk (2,000 orders) per transaction — each chunk set-based: its orders locked
 * in one statement, compensations, fund refunds, balanced ledger postings, deposit recovery and two
 * events per order written in bulk. Orders are seeded straight into the database (the cascade is
 * measured, not order intake); the job runner is driven here as the harness keeps it off.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/consumer-experience/service/bench/inspection-cascade.bench.ts [buyers=10000]
 *
 * Prints figures only; nothing here asserts timing.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CompensationCause } from '@govern/contracts-consumer-experience';
import { DefectClass, InspectionFailed, InspectionFailedEvent } from '@govern/contracts-product-quality';
import { startFixture } from '../src/testing/service-fixture';

const BUYERS = Number(process.argv[2] ?? 10_000);

const main = async (): Promise<void> => {
  const f = await startFixture();
  try {
    const now = f.clock.now();
    await f.sut.db.$executeRawUnsafe(
      `INSERT INTO orders (order_id, buyer_id, merchant_id, product_id, sku_id, category_code, amount_fen, paid_at, fulfilment, dispatch_due_at,
                           status, promise_reasons, promise_policy_name, promise_policy_version, created_at, updated_at)
       SELECT 'order-' || i, 'buyer-' || i, 'merchant-lab', 'product-lab', 'sku-1', 'home.kitchen', 5000 + (i % 50) * 100,
              $1::timestamptz - make_interval(hours => i % (24 * 80)), 'IN_STOCK', $1::timestamptz + interval '48 hours',
              'SHIPPED', '[]', 'consumer-promise', '2026-11-01.1', $1, $1
         FROM generate_series(1, $2::int) AS i`,
      now,
      BUYERS,
    );
    await f.client.depositMerchantFunds({ requestId: randomUUID(), merchantId: 'merchant-lab', amountFen: 1_000_000n, paymentRef: 'bank-1' });

    const eventId = randomUUID();
    const started = performance.now();
    await f.sut.publish(
      InspectionFailedEvent,
      InspectionFailed.fromPartial({
        meta: { eventId, occurredAt: now, causationId: eventId, correlationId: eventId },
        resultId: 'lab-result-1',
        productId: 'product-lab',
        merchantId: 'merchant-lab',
        criticalDefects: 1,
        severity: DefectClass.DEFECT_CLASS_CRITICAL,
      }),
    );
    let runs: { orders_compensated: number; compensated_fen: bigint; chunks: number; completed: boolean }[] = [];
    while (!runs[0]?.completed) {
      if (performance.now() - started > 300_000) throw new Error('cascade did not finish within 5 minutes');
      if (runs.length > 0) await f.sut.runDueJobs();
      else await sleep(50);
      runs = await f.sut.db.$queryRawUnsafe(
        `SELECT orders_compensated, compensated_fen, chunks, completed_at IS NOT NULL AS completed FROM inspection_compensation_runs WHERE result_id = 'lab-result-1'`,
      );
    }
    const elapsedMs = performance.now() - started;
    const [counts] = await f.sut.db.$queryRawUnsafe<{ compensations: bigint; refunds: bigint; outbox: bigint }[]>(
      `SELECT (SELECT count(*) FROM compensations WHERE cause = 'FAILED_INSPECTION') AS compensations,
              (SELECT count(*) FROM refunds WHERE source = 'FUND') AS refunds,
              (SELECT count(*) FROM outbox_events) AS outbox`,
    );
    const { ledger } = await f.client.getFundLedger({});
    const { deposit } = await f.client.getMerchantDeposit({ merchantId: 'merchant-lab' });
    const sample = await f.client.listCompensations({ orderId: 'order-1', buyerId: '', merchantId: '', cause: CompensationCause.COMPENSATION_CAUSE_FAILED_INSPECTION, pageSize: 0, pageToken: '' });
    console.log(`critical inspection failure, ${BUYERS} buyers in the last 80 days (lookback 90): one event, ${runs[0]?.chunks} chunk transactions`);
    console.log(`  event published -> all buyers compensated: ${(elapsedMs / 1000).toFixed(2)} s (${(BUYERS / (elapsedMs / 1000)).toFixed(0)} compensations/s)`);
    console.log(`  compensated ${runs[0]?.orders_compensated} orders, ${runs[0]?.compensated_fen} fen; rows: ${counts?.compensations} compensations, ${counts?.refunds} fund refunds, ${counts?.outbox} outbox events`);
    console.log(`  deposit recovered to ${deposit?.balanceFen} fen, owed ${deposit?.owedFen} fen, top-up requested ${deposit?.topUpRequestedFen} fen`);
    console.log(`  ledger: ${ledger?.transactionCount} transactions, balanced=${ledger?.balanced}; sample order-1 paid ${sample.compensations[0]?.amountFen} fen`);
  } finally {
    await f.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
