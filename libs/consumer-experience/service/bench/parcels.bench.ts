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
import { TrackingScanType } from '@govern/contracts-consumer-experience';
import { startFixture } from '../src/testing/service-fixture';
import { printInProcessPhase } from './bench-kit';

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
      await printInProcessPhase(name, orders, call, { warmUp: WARM_UP, inFlight: IN_FLIGHT });
    }
  } finally {
    await f.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
