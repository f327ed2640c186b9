/**
 * Buyer care (issue 19): new buyers' first orders that get stuck, and buyers' contacts with
 * merchants' customer service with the merchants' replies and the buyers' ratings.
 *
 * Kept independent of timing like the rest of the plan. Every order states the buyer's history
 * (as the platform's order system would), so which orders are a new buyer's does not hang on the
 * order in which a buyer's orders land. Stuck first orders are the only orders of their (new)
 * buyers and get no later call, so the care timers that fire at once on them (their bounds
 * already passed) race nothing. Contact replies are judged by when they were sent: chats are
 * answered within the 3 minutes whatever the service hours, messages (24 h, no service hours)
 * on either side of their bound, well clear of it.
 */
import { DAY, HOUR, MINUTE } from './policy';
import type { Generator } from './generator';
import type { ContactPlan, MerchantPlan, OrderPlan, ProductPlan } from './types';

/** The history every ordinary simulated buyer has: long-standing customers, not new ones. */
export const ESTABLISHED_BUYER = { priorOrders: 12, firstPaidAgoMs: 200 * DAY } as const;

export const CARE_PLAN = {
  /** Never-dispatched orders turned into new buyers' first orders, per 100 orders (at least 3): the platform steps in. */
  stuckPer100: 1.5,
  /** Orders awaiting dispatch turned into new buyers' first orders past the nudge (the case opens; the step-in is a day and a half away). */
  nudgedPer100: 1,
  /** Contacts per selling merchant. */
  contactsPerMerchant: [2, 5] as const,
  ratingShare: 0.7,
} as const;

/**
 * Makes some planned orders new buyers' first orders (a buyer of their own, no history) and plans
 * the contacts. The order count stays the scale's: stuck first orders are planned orders that are
 * never dispatched, with nothing else planned on them; nudged ones wait for dispatch without an
 * after-sale, paid 38-40 h ago (both care bounds on the same side whenever the timers run).
 */
export const planCare = (g: Generator, orders: OrderPlan[], sellers: readonly MerchantPlan[], products: readonly ProductPlan[]): { contacts: ContactPlan[] } => {
  const d = g.dice('care');
  const productOf = new Map(products.map((p) => [p.key, p]));
  const selling = new Set(sellers.map((m) => m.key));
  // Products whose merchant keeps selling and whose goods pass any lab test: nothing else refunds these orders.
  const safe = (o: OrderPlan): boolean => {
    const p = productOf.get(o.productKey);
    return p !== undefined && p.labOutcome === 'pass' && !p.lateCritical && selling.has(p.merchantKey) && !o.afterSale && !o.review;
  };
  const quota = (per100: number): number => Math.max(3, Math.round((orders.length * per100) / 100));
  const stuck = orders.filter((o) => o.kind === 'never-shipped' && safe(o)).slice(0, quota(CARE_PLAN.stuckPer100));
  const nudged = orders.filter((o) => o.kind === 'awaiting-dispatch' && safe(o)).slice(0, quota(CARE_PLAN.nudgedPer100));
  const careOrders = [...stuck, ...nudged];
  for (const [i, o] of careOrders.entries()) {
    if (o.kind === 'awaiting-dispatch') o.paidAgoMs = d.int(38 * HOUR, 40 * HOUR);
    o.buyerId = g.id('newbuyer', i + 1, 5);
    o.buyerHistory = { priorOrders: 0, firstPaidAgoMs: o.paidAgoMs };
  }

  const contacts: ContactPlan[] = [];
  const contact = (plan: Omit<ContactPlan, 'key' | 'contactId'>): void => {
    const contactId = g.id('contact', contacts.length + 1, 6);
    contacts.push({ key: contactId, contactId, ...plan });
  };
  const rating = (satisfiedShare: number): { rating: number; resolved: boolean } | undefined => {
    if (!d.chance(CARE_PLAN.ratingShare)) return undefined;
    const satisfied = d.chance(satisfiedShare);
    return satisfied ? { rating: d.weighted([[5, 8], [4, 2]] as const), resolved: true } : { rating: d.weighted([[3, 1], [2, 2], [1, 1]] as const), resolved: false };
  };
  const buyers = [...new Set(orders.map((o) => o.buyerId))];
  for (const merchant of sellers) {
    if (!products.some((p) => p.merchantKey === merchant.key)) continue;
    const count = d.int(CARE_PLAN.contactsPerMerchant[0], CARE_PLAN.contactsPerMerchant[1]);
    for (let n = 0; n < count; n++) {
      const chat = d.chance(0.6);
      // Chats answered in 20 s - 2.5 min; messages in 1-20 h (kept) or 28-40 h (late), written 2 days ago.
      const late = !chat && d.chance(0.2);
      const replyAfterMs = chat ? d.int(20_000, 150_000) : late ? d.int(28 * HOUR, 40 * HOUR) : d.int(1 * HOUR, 20 * HOUR);
      contact({
        buyerId: d.pick(buyers),
        merchantKey: merchant.key,
        channel: chat ? 'CHAT' : 'MESSAGE',
        topic: 'PRE_SALE',
        contactAgoMs: chat ? 10 * MINUTE : 2 * DAY,
        reply: d.chance(0.95) ? { afterMs: replyAfterMs, resolves: d.chance(0.8) } : undefined,
        rating: rating(late ? 0.5 : 0.9),
      });
    }
  }
  // Every new buyer asks about their first order; they rate the help they get.
  for (const o of careOrders) {
    contact({
      buyerId: o.buyerId,
      merchantKey: productOf.get(o.productKey)?.merchantKey ?? '',
      orderKey: o.key,
      channel: 'MESSAGE',
      topic: 'ORDER_PROBLEM',
      contactAgoMs: Math.min(o.paidAgoMs - HOUR, 30 * HOUR),
      reply: { afterMs: d.int(1 * HOUR, 6 * HOUR), resolves: true },
      rating: d.chance(0.97) ? { rating: d.weighted([[5, 9], [4, 1]] as const), resolved: true } : { rating: 2, resolved: false },
    });
  }
  return { contacts };
};

