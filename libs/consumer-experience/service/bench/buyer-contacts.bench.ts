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
import { ContactChannel, ContactTopic } from '@govern/contracts-consumer-experience';
import { startFixture } from '../src/testing/service-fixture';
import { printInProcessPhase } from './bench-kit';

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
