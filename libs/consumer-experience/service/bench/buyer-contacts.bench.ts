/**
 * Buyer-contact benchmark: buyers of N paid orders (default 300, after 50 unmeasured) contact the
 * merchant about their order, the merchant replies in time, the buyer rates the contact; 8 calls in
 * flight, over gRPC to the service in this process (the test fixture: real PostgreSQL and NATS).
 * Prints the process's CPU per call (service and client together, from process.cpuUsage) and the
 * rate of each phase. Run it from two checkouts alternately to compare.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/consumer-experience/service/bench/buyer-contacts.bench.ts [contacts=300]
 *
 * Prints figures only; nothing here asserts timing.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ContactChannel, ContactTopic } from '@govern/contracts-consumer-experience';
import { startFixture } from '../src/testing/service-fixture';

const CONTACTS = Number(process.argv[2] ?? 300);
const WARM_UP = 50;
const IN_FLIGHT = 8;

const main = async (): Promise<void> => {
  const f = await startFixture();
  try {
    const orders: { orderId: string; buyerId: string; contactId: string }[] = [];
    for (let i = 0; i < CONTACTS + WARM_UP; i++) {
      const buyerId = `bench-buyer-${i}`;
      orders.push({ orderId: await f.recordOrder({ buyerId, merchantId: 'bench-merchant' }), buyerId, contactId: f.id('contact') });
    }
    const contact = (o: (typeof orders)[number]) =>
      f.client.recordBuyerContact({
        requestId: f.id('req'),
        contactId: o.contactId,
        buyerId: o.buyerId,
        merchantId: 'bench-merchant',
        orderId: o.orderId,
        channel: ContactChannel.CONTACT_CHANNEL_CHAT,
        topic: ContactTopic.CONTACT_TOPIC_ORDER_PROBLEM,
        contactTime: f.clock.now(),
      });
    const reply = (o: (typeof orders)[number]) => f.client.recordMerchantReply({ requestId: f.id('req'), contactId: o.contactId, replyTime: f.clock.now(), resolves: true });
    const rate = (o: (typeof orders)[number]) => f.client.rateContact({ requestId: f.id('req'), contactId: o.contactId, buyerId: o.buyerId, rating: 5, resolved: true });
    for (const [name, call] of [
      ['RecordBuyerContact', contact],
      ['RecordMerchantReply', reply],
      ['RateContact', rate],
    ] as const) {
      for (const o of orders.slice(0, WARM_UP)) await call(o);
      const measured = orders.slice(WARM_UP);
      let next = 0;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < measured.length) await call(measured[next++] as (typeof orders)[number]);
        }),
      );
      const elapsedMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      console.log(
        `${name} x${CONTACTS}, ${IN_FLIGHT} in flight: ${((cpu.user + cpu.system) / 1000 / CONTACTS).toFixed(3)} ms CPU/call (service + client, one process), ` +
          `${(CONTACTS / (elapsedMs / 1000)).toFixed(0)} calls/s; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
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
