import {
  BuyerContactBreachedEvent,
  ContactChannel,
  ContactTopic,
  MerchantServiceMetricsReportedEvent,
  type RecordBuyerContactRequest,
} from '@govern/contracts-consumer-experience';
import { METRICS_POLICY, SERVICE_NORM_POLICY } from '@govern/consumer-experience-domain';
import type { EventCollector } from '@govern/platform-service-testing';
import { DAY, HOUR, MINUTE } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { failureOf, type Fixture, useCollectingFixture } from './testing/service-fixture';

const SECOND = 1_000;

/**
 * Merchant service norms over real gRPC, PostgreSQL and NATS (issue 19). The fixture's clock starts
 * at 08:00 in Beijing, when service hours open: a chat's first reply is due 3 minutes after it.
 */
describe('buyer contacts and merchant service norms (gRPC + Postgres + NATS)', () => {
  let f: Fixture;
  let events: EventCollector;
  useCollectingFixture((suite) => ({ f, events } = suite));

  const contactOf = (merchantId: string, overrides: Partial<RecordBuyerContactRequest> = {}): RecordBuyerContactRequest => ({
    requestId: f.id('req'),
    contactId: f.id('contact'),
    buyerId: 'buyer-c',
    merchantId,
    orderId: '',
    channel: ContactChannel.CONTACT_CHANNEL_CHAT,
    topic: ContactTopic.CONTACT_TOPIC_PRE_SALE,
    contactTime: f.clock.now(),
    ...overrides,
  });
  const reply = (contactId: string, replyTime: Date, resolves = false) => f.client.recordMerchantReply({ requestId: f.id('req'), contactId, replyTime, resolves });

  it('judges a chat reply one second inside its 3 minutes as kept and one second outside as a breach, published once', async () => {
    const merchantId = 'merchant-sla';
    const start = f.clock.now();
    const inside = (await f.client.recordBuyerContact(contactOf(merchantId))).contact;
    const outside = (await f.client.recordBuyerContact(contactOf(merchantId))).contact;
    expect(inside?.firstReplyDueTime).toEqual(new Date(start.getTime() + 3 * MINUTE));
    expect(inside?.policy).toEqual({ name: SERVICE_NORM_POLICY.name, version: SERVICE_NORM_POLICY.version });

    f.clock.advance(3 * MINUTE + SECOND);
    const kept = (await reply(inside?.contactId ?? '', new Date(start.getTime() + 3 * MINUTE - SECOND), true)).contact;
    expect(kept).toMatchObject({ breached: false, resolved: true });
    expect(kept?.reasons.map((r) => r.code)).toContain('SERVICE_NORM.REPLIED_IN_TIME');
    const late = (await reply(outside?.contactId ?? '', new Date(start.getTime() + 3 * MINUTE + SECOND))).contact;
    expect(late?.breached).toBe(true);
    expect(late?.reasons.map((r) => r.code)).toContain('SERVICE_NORM.FIRST_REPLY_LATE');

    const [breach] = await events.waitFor(BuyerContactBreachedEvent, 1);
    expect(breach).toMatchObject({ contactId: outside?.contactId, merchantId, breachesInWindow: 1n, violationCandidate: false });
    // The answered contacts' deadline timers were cancelled: running due jobs breaches nothing more.
    f.clock.advance(HOUR);
    await f.sut.runDueJobs();
    // A second reply changes nothing about the first.
    const again = (await reply(outside?.contactId ?? '', f.clock.now())).contact;
    expect(again?.firstReplyTime).toEqual(late?.firstReplyTime);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.of(BuyerContactBreachedEvent).filter((e) => e.merchantId === merchantId)).toHaveLength(1);
  });

  it('gives messages 24 hours, and finds an unanswered contact a breach at its due time; five make a violation candidate', async () => {
    const merchantId = 'merchant-silent';
    const message = (await f.client.recordBuyerContact(contactOf(merchantId, { channel: ContactChannel.CONTACT_CHANNEL_MESSAGE }))).contact;
    expect(message?.firstReplyDueTime).toEqual(new Date(f.clock.now().getTime() + 24 * HOUR));
    for (let i = 0; i < 4; i += 1) await f.client.recordBuyerContact(contactOf(merchantId));
    // A reply may reach us a little after it was sent: silence is found the policy's grace after the due time.
    f.clock.advance(24 * HOUR);
    await f.sut.runDueJobs();
    expect(events.of(BuyerContactBreachedEvent).filter((e) => e.merchantId === merchantId && e.channel === ContactChannel.CONTACT_CHANNEL_MESSAGE)).toEqual([]);
    f.clock.advance(SERVICE_NORM_POLICY.noReplyFoundAfterMs);
    await f.sut.runDueJobs();
    const breaches = (await events.waitFor(BuyerContactBreachedEvent, 6)).filter((e) => e.merchantId === merchantId);
    expect(breaches).toHaveLength(5);
    expect(breaches.map((b) => b.breachesInWindow).sort()).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(breaches.find((b) => b.breachesInWindow === 5n)).toMatchObject({ violationCandidate: true });
    expect(breaches.find((b) => b.breachesInWindow === 5n)?.reasons.map((r) => r.code)).toEqual(['SERVICE_NORM.NO_REPLY', 'SERVICE_NORM.VIOLATION_CANDIDATE']);
    // The timers ran once.
    f.clock.advance(DAY);
    await f.sut.runDueJobs();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.of(BuyerContactBreachedEvent).filter((e) => e.merchantId === merchantId)).toHaveLength(5);
  });

  it('judges a reply by when it was sent: one sent in time but recorded after the timer found silence clears the breach', async () => {
    const merchantId = 'merchant-recorded-late';
    const sent = f.clock.now();
    const { contact } = await f.client.recordBuyerContact(contactOf(merchantId));
    f.clock.advance(3 * MINUTE + SERVICE_NORM_POLICY.noReplyFoundAfterMs);
    await f.sut.runDueJobs();
    await expect.poll(() => events.of(BuyerContactBreachedEvent).filter((e) => e.merchantId === merchantId), { timeout: 10_000 }).toHaveLength(1);
    const late = (await reply(contact?.contactId ?? '', new Date(sent.getTime() + 2 * MINUTE))).contact;
    expect(late?.breached).toBe(false);
    expect(late?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['SERVICE_NORM.NO_REPLY', 'SERVICE_NORM.REPLIED_IN_TIME', 'SERVICE_NORM.REPLY_RECORDED_LATE']));
  });

  it('counts response rate, first-reply percentiles, resolution and satisfaction, and reports them with the merchant metrics', async () => {
    const merchantId = 'merchant-figures';
    const windowStart = f.clock.now();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await f.client.recordBuyerContact(contactOf(merchantId))).contact?.contactId ?? '');
    f.clock.advance(HOUR);
    for (const [i, minutes] of [1, 2, 10].entries()) await reply(ids[i] ?? '', new Date(windowStart.getTime() + minutes * MINUTE), minutes < 10);
    await f.client.rateContact({ requestId: f.id('req'), contactId: ids[0] ?? '', buyerId: 'buyer-c', rating: 5, resolved: true });
    await f.client.rateContact({ requestId: f.id('req'), contactId: ids[2] ?? '', buyerId: 'buyer-c', rating: 2, resolved: false });

    const { metrics } = await f.client.getServiceNormMetrics({ merchantId, window: { startTime: windowStart, endTime: f.clock.now() } });
    expect(metrics).toMatchObject({
      contacts: 3n,
      judged: 3n,
      answeredWithinSla: 2n,
      breaches: 1n,
      firstReplyP50Seconds: 120,
      firstReplyP90Seconds: 600,
      resolved: 2n,
      ratings: 2n,
      satisfied: 1n,
      satisfactionRate: 0.5,
    });
    expect(metrics?.responseRate).toBeCloseTo(2 / 3);

    const served = (await f.client.getMerchantServiceMetrics({ merchantId })).metrics;
    expect(served).toMatchObject({ contacts: 3n, contactBreaches: 1n, contactRatings: 2n, contactSatisfactionRate: 0.5 });
    // The debounced report carries them to merchant-access (the service dimension of the store experience score).
    f.clock.advance(METRICS_POLICY.reportDebounceMs);
    await f.sut.runDueJobs();
    await expect
      .poll(() => events.of(MerchantServiceMetricsReportedEvent).find((e) => e.merchantId === merchantId)?.metrics, { timeout: 10_000 })
      .toMatchObject({
        contacts: 3n,
        contactBreaches: 1n,
        contactRatings: 2n,
        contactsJudged: 3n,
        contactsAnswered: 3n,
        contactFirstReplyP90Seconds: 600,
        contactsResolved: 2n,
        contactRatingsSatisfied: 1n,
      });
  });

  it('refuses bad input with every violation, and is idempotent', async () => {
    const bad = await failureOf(f.client.recordBuyerContact(contactOf('', { contactId: '', channel: 0, topic: ContactTopic.CONTACT_TOPIC_AFTER_SALE })));
    expect(bad.codeName).toBe('INVALID_ARGUMENT');
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual(['channel', 'contact_id', 'merchant_id', 'order_id']);
    const future = await failureOf(f.client.recordBuyerContact(contactOf('m-x', { contactTime: new Date(f.clock.now().getTime() + HOUR) })));
    expect(future.fieldViolations).toEqual([expect.objectContaining({ field: 'contact_time', reason: 'IN_FUTURE' })]);

    const request = contactOf('merchant-idem');
    const first = await f.client.recordBuyerContact(request);
    expect(await f.client.recordBuyerContact(request)).toEqual(first);
    const taken = await failureOf(f.client.recordBuyerContact({ ...request, requestId: f.id('req') }));
    expect(taken).toMatchObject({ codeName: 'ALREADY_EXISTS', reason: 'CONTACT.ALREADY_RECORDED' });

    const contactId = first.contact?.contactId ?? '';
    const early = await failureOf(reply(contactId, new Date(f.clock.now().getTime() - MINUTE)));
    expect(early.fieldViolations).toEqual([expect.objectContaining({ field: 'reply_time', reason: 'BEFORE_CONTACT' })]);
    expect((await failureOf(reply('no-such-contact', f.clock.now()))).codeName).toBe('NOT_FOUND');
    const rating = await failureOf(f.client.rateContact({ requestId: f.id('req'), contactId, buyerId: 'buyer-c', rating: 6, resolved: true }));
    expect(rating.fieldViolations).toEqual([expect.objectContaining({ field: 'rating', reason: 'OUT_OF_RANGE' })]);
    const stranger = await failureOf(f.client.rateContact({ requestId: f.id('req'), contactId, buyerId: 'someone-else', rating: 4, resolved: true }));
    expect(stranger.fieldViolations).toEqual([expect.objectContaining({ field: 'buyer_id', reason: 'NOT_CONTACT_BUYER' })]);
    await f.client.rateContact({ requestId: f.id('req'), contactId, buyerId: 'buyer-c', rating: 4, resolved: true });
    const twice = await failureOf(f.client.rateContact({ requestId: f.id('req'), contactId, buyerId: 'buyer-c', rating: 1, resolved: false }));
    expect(twice).toMatchObject({ codeName: 'ALREADY_EXISTS', reason: 'CONTACT.ALREADY_RATED' });
    const unknownOrder = await failureOf(f.client.recordBuyerContact(contactOf('m-x', { orderId: 'no-such-order', topic: ContactTopic.CONTACT_TOPIC_ORDER_PROBLEM })));
    expect(unknownOrder.codeName).toBe('NOT_FOUND');
  });
});
