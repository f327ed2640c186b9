/**
 * Parcel benchmark: a merchant registers the parcel of each of N paid orders (default 300, after 50
 * unmeasured), then the carrier scans each one at pickup; 8 calls in flight, over gRPC to the service
 * in this process (the test fixture: real PostgreSQL and NATS). Prints the process's CPU per call
 * (service and client together, from process.cpuUsage) and the rate of each phase. Run it from two
 * checkouts alternately to compare.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/consumer-experience/service/bench/parcels.bench.ts [orders=300]
 *
 * Prints figures only; nothing here asserts timing.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { TrackingScanType } from '@govern/contracts-consumer-experience';
import { startFixture } from '../src/testing/service-fixture';

const ORDERS = Number(process.argv[2] ?? 300);
const WARM_UP = 50;
const IN_FLIGHT = 8;

const main = async (): Promise<void> => {
  const f = await startFixture();
  try {
    const orders: string[] = [];
    for (let i = 0; i < ORDERS + WARM_UP; i++) orders.push(await f.recordOrder({}));
    const parcels = new Map<string, string>();
    const ship = async (orderId: string) => {
      const trackingNumber = f.id('SF');
      parcels.set(orderId, trackingNumber);
      await f.client.recordShipment({ requestId: f.id('req'), orderId, trackingNumber, carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId: '' });
    };
    const pickUp = (orderId: string) =>
      f.client.recordTrackingScan({
        requestId: f.id('req'),
        trackingNumber: parcels.get(orderId) as string,
        carrierCode: 'SF',
        scanType: TrackingScanType.TRACKING_SCAN_TYPE_PICKUP,
        scannedAt: f.clock.now(),
        location: 'Hangzhou',
      });
    for (const [name, call] of [
      ['RecordShipment', ship],
      ['RecordTrackingScan (pickup)', pickUp],
    ] as const) {
      for (const orderId of orders.slice(0, WARM_UP)) await call(orderId);
      const measured = orders.slice(WARM_UP);
      let next = 0;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < measured.length) await call(measured[next++] as string);
        }),
      );
      const elapsedMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      console.log(
        `${name} x${ORDERS}, ${IN_FLIGHT} in flight: ${((cpu.user + cpu.system) / 1000 / ORDERS).toFixed(3)} ms CPU/call (service + client, one process), ` +
          `${(ORDERS / (elapsedMs / 1000)).toFixed(0)} calls/s; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
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
