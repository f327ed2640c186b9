/**
 * After-sale steps benchmark: on N delivered orders (default 200, after 30 unmeasured), each of the
 * steps the simulation takes after a return request, one phase at a time: the request (a quality
 * return left to the merchant), the merchant's acceptance, the return parcel, the carrier's pickup
 * scan of it (the refund), the after-sale read back, and the buyer's review. 8 calls in flight,
 * over gRPC to the service in this process (the test fixture: real PostgreSQL and NATS). Prints the
 * process's CPU per call (service and client together, from process.cpuUsage), the rate, and the
 * round trips (socket writes) of each call's transaction. Run it from two checkouts alternately to compare.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/consumer-experience/service/bench/after-sale-steps.bench.ts [orders=200]
 *
 * Prints figures only; nothing here asserts timing.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { AfterSaleReason, AfterSaleType, MerchantAnswer, TrackingScanType } from '@govern/contracts-consumer-experience';
import { recordPgStatements } from '@govern/platform-testing';
import { startFixture } from '../src/testing/service-fixture';

const ORDERS = Number(process.argv[2] ?? 200);
const WARM_UP = 30;
const IN_FLIGHT = 8;

interface Case {
  orderId: string;
  buyerId: string;
  merchantId: string;
  afterSaleId: string;
  returnTracking: string;
}

const main = async (): Promise<void> => {
  const f = await startFixture();
  try {
    const cases: Case[] = [];
    for (let i = 0; i < ORDERS + WARM_UP; i++) {
      const buyerId = `bench-buyer-${i}`;
      const merchantId = `bench-merchant-${i % 40}`;
      const orderId = await f.recordOrder({ buyerId, merchantId });
      const forward = f.id('SF');
      await f.client.recordShipment({ requestId: f.id('req'), orderId, trackingNumber: forward, carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId: '' });
      for (const scanType of [TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED]) {
        await f.client.recordTrackingScan({ requestId: f.id('req'), trackingNumber: forward, carrierCode: 'SF', scanType, scannedAt: f.clock.now(), location: 'Shenzhen' });
      }
      cases.push({ orderId, buyerId, merchantId, afterSaleId: '', returnTracking: f.id('RT') });
    }
    const phases: [string, (c: Case) => Promise<unknown>][] = [
      [
        'RequestAfterSale (to the merchant)',
        async (c) => {
          const { afterSale } = await f.client.requestAfterSale(
            f.afterSaleRequest({
              orderId: c.orderId,
              buyerId: c.buyerId,
              type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
              reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT,
              goodsUnsealed: true,
              buyerTrustScore: 10,
            }),
          );
          c.afterSaleId = afterSale?.afterSaleId ?? '';
        },
      ],
      [
        'RespondAfterSale (accept)',
        (c) => f.client.respondAfterSale({ requestId: f.id('req'), afterSaleId: c.afterSaleId, merchantId: c.merchantId, answer: MerchantAnswer.MERCHANT_ANSWER_ACCEPT, note: '', evidenceRefs: [] }),
      ],
      [
        'RecordReturnShipment',
        (c) =>
          f.client.recordReturnShipment({ requestId: f.id('req'), afterSaleId: c.afterSaleId, trackingNumber: c.returnTracking, carrierCode: 'SF', shippedAt: f.clock.now(), shippingFeeFen: 1_500n }),
      ],
      [
        'RecordTrackingScan (return pickup)',
        (c) =>
          f.client.recordTrackingScan({
            requestId: f.id('req'),
            trackingNumber: c.returnTracking,
            carrierCode: 'SF',
            scanType: TrackingScanType.TRACKING_SCAN_TYPE_PICKUP,
            scannedAt: f.clock.now(),
            location: 'Hangzhou',
          }),
      ],
      ['GetAfterSale', (c) => f.client.getAfterSale({ afterSaleId: c.afterSaleId })],
      ['RecordReview', (c) => f.client.recordReview({ requestId: f.id('req'), orderId: c.orderId, buyerId: c.buyerId, rating: 4, text: 'ok' })],
    ];
    for (const [name, call] of phases) {
      // The warm-up calls' transactions give the round trips of one call (no other traffic then).
      const recorder = recordPgStatements();
      for (const c of cases.slice(0, WARM_UP)) await call(c);
      const transactions = recorder.transactions(() => true);
      recorder.restore();
      const writes = transactions.reduce((sum, t) => sum + t.writes, 0) / transactions.length;
      const statements = transactions.reduce((sum, t) => sum + t.statements.length, 0) / transactions.length;
      const measured = cases.slice(WARM_UP);
      let next = 0;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < measured.length) await call(measured[next++] as Case);
        }),
      );
      const elapsedMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      console.log(
        `${name.padEnd(36)} x${ORDERS}: ${((cpu.user + cpu.system) / 1000 / ORDERS).toFixed(3)} ms CPU/call, ${(ORDERS / (elapsedMs / 1000)).toFixed(0)} calls/s, ` +
          `${writes.toFixed(1)} round trips and ${statements.toFixed(1)} statements per transaction; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
      );
    }
  } finally {
    await f.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
