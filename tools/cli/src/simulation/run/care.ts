/** Buyer care (issue 19): a buyer's contact with a merchant's customer service, the reply, the rating. */
import { ContactChannel, ContactTopic } from '@govern/contracts-consumer-experience';
import type { ContactPlan, OrderPlan } from '../scenario';
import type { RunContext } from './run-context';

const CHANNELS = { CHAT: ContactChannel.CONTACT_CHANNEL_CHAT, MESSAGE: ContactChannel.CONTACT_CHANNEL_MESSAGE };
const TOPICS = { PRE_SALE: ContactTopic.CONTACT_TOPIC_PRE_SALE, ORDER_PROBLEM: ContactTopic.CONTACT_TOPIC_ORDER_PROBLEM };

export const contact = async (ctx: RunContext, c: ContactPlan): Promise<void> => {
  const merchantId = ctx.merchantIds.get(c.merchantKey);
  const order = c.orderKey ? (ctx.orderByKey.get(c.orderKey) as OrderPlan) : undefined;
  if (!merchantId || (order && !ctx.recordedOrders.has(order.key))) return;
  const t0 = Date.now();
  const contactTime = new Date(t0 - c.contactAgoMs);
  const recorded = await ctx.call('RecordBuyerContact', () =>
    ctx.clients.consumerExperience.recordBuyerContact({
      requestId: ctx.rid('RecordBuyerContact', c.key),
      contactId: c.contactId,
      buyerId: c.buyerId,
      merchantId,
      orderId: order?.orderId ?? '',
      channel: CHANNELS[c.channel],
      topic: TOPICS[c.topic],
      contactTime,
    }),
  );
  if (!recorded.ok) return;
  ctx.tally.add('service', 'buyer contacts');
  if (c.reply) {
    const reply = c.reply;
    const replied = await ctx.call('RecordMerchantReply', () =>
      ctx.clients.consumerExperience.recordMerchantReply({
        requestId: ctx.rid('RecordMerchantReply', c.key),
        contactId: c.contactId,
        replyTime: new Date(contactTime.getTime() + reply.afterMs),
        resolves: reply.resolves,
      }),
    );
    if (replied.ok) ctx.tally.add('service', replied.value.contact?.breached ? ' answered late' : ' answered in time');
  }
  if (c.rating) {
    const rating = c.rating;
    const rated = await ctx.call('RateContact', () =>
      ctx.clients.consumerExperience.rateContact({ requestId: ctx.rid('RateContact', c.key), contactId: c.contactId, buyerId: c.buyerId, rating: rating.rating, resolved: rating.resolved }),
    );
    if (rated.ok) ctx.tally.add('service', ' rated');
  }
};
