import { ComplaintCategory, ComplaintTargetType, ContactChannel, ContactTopic, type RecordBuyerContactRequest } from '@govern/contracts-consumer-experience';
import { useForSuite } from '@govern/platform-service-testing';
import { recordPgStatements } from '@govern/platform-testing';
import { HOUR, MINUTE } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { contactToProto } from './mapping/care';
import { complaintToProto } from './mapping/to-proto';
import { startFixture, type Fixture } from './testing/service-fixture';

/** What each statement of a unit is, in the order sent: a Prisma statement names its tables "public"."...". */
const shapes = (statements: readonly string[]): string[] =>
  statements.map((statement) => {
    const text = statement.trim();
    if (text.startsWith('BEGIN')) return 'BEGIN';
    if (text === 'COMMIT') return 'COMMIT';
    if (/"public"\./.test(text)) return 'prisma';
    if (/^INSERT INTO idempotency_keys/.test(text)) return 'claim';
    if (/^WITH /.test(text) && /UPDATE idempotency_keys/.test(text)) return 'effects';
    if (/^SELECT order_id, buyer_id, merchant_id, product_id, content_id, new_buyer FROM orders/.test(text)) return 'order';
    if (/^SELECT \* FROM buyer_contacts WHERE contact_id = \$1 FOR UPDATE/.test(text)) return 'contact lock';
    if (/^SELECT id FROM scheduled_jobs WHERE id = \$1 .* FOR UPDATE SKIP LOCKED/.test(text)) return 'job claim';
    if (/^UPDATE scheduled_jobs SET completed_at/.test(text)) return 'job done';
    if (/^SELECT \* FROM orders WHERE order_id = \$1 FOR UPDATE/.test(text)) return 'order lock';
    if (/^SELECT a\.\*.*care_watch_taken/s.test(text)) return 'care reads';
    if (/^WITH outbox AS/.test(text)) return 'effects';
    return text.slice(0, 60);
  });

/**
 * The buyer-care RPCs the simulation calls most (a contact, the merchant's reply, the buyer's rating,
 * a complaint) in two round trips each: BEGIN, the request's claim and the one read they need leave
 * together, and their row goes out inside the unit's effects statement with COMMIT. Before, each read
 * the order through Prisma or wrote (and read back) its row in statements of their own.
 */
describe('buyer-care statements and round trips (gRPC + Postgres + NATS)', () => {
  let f: Fixture;
  useForSuite(() => startFixture(), (fixture) => (f = fixture));

  const unitOf = async <T>(table: RegExp, call: () => Promise<T>): Promise<{ answer: T; shapes: string[]; effects: string; writes: number }> => {
    const recorder = recordPgStatements();
    const answer = await call().finally(() => recorder.restore());
    const [unit, ...others] = recorder.transactions((s) => table.test(s.text));
    expect(others).toEqual([]);
    if (!unit) throw new Error(`no unit wrote ${table}`);
    return { answer, shapes: shapes(unit.statements), effects: unit.statements.find((s) => /UPDATE idempotency_keys/.test(s)) ?? '', writes: unit.writes };
  };
  const storedContact = async (contactId: string) => contactToProto(await f.sut.db.buyerContact.findUniqueOrThrow({ where: { contactId } }));

  it('records a contact on an order, the reply and the rating in two round trips each, every row written with the effects and stored as answered', async () => {
    const orderId = await f.recordOrder({ buyerId: 'buyer-stmt', merchantId: 'merchant-stmt' });
    const request: RecordBuyerContactRequest = {
      requestId: f.id('req'),
      contactId: f.id('contact'),
      buyerId: 'buyer-stmt',
      merchantId: 'merchant-stmt',
      orderId,
      channel: ContactChannel.CONTACT_CHANNEL_CHAT,
      topic: ContactTopic.CONTACT_TOPIC_ORDER_PROBLEM,
      contactTime: f.clock.now(),
    };
    const recorded = await unitOf(/buyer_contacts/, () => f.client.recordBuyerContact(request));
    expect(recorded.shapes).toEqual(['BEGIN', 'claim', 'order', 'effects', 'COMMIT']);
    expect(recorded.writes).toBe(2);
    expect(recorded.effects).toMatch(/INSERT INTO buyer_contacts/);
    expect(recorded.effects).toMatch(/INSERT INTO scheduled_jobs/);
    expect(recorded.effects).toMatch(/INSERT INTO audit_records/);
    expect(recorded.answer.contact).toEqual(await storedContact(request.contactId));

    const replied = await unitOf(/buyer_contacts/, () => f.client.recordMerchantReply({ requestId: f.id('req'), contactId: request.contactId, replyTime: f.clock.now(), resolves: true }));
    expect(replied.shapes).toEqual(['BEGIN', 'claim', 'contact lock', 'effects', 'COMMIT']);
    expect(replied.writes).toBe(2);
    expect(replied.effects).toMatch(/UPDATE buyer_contacts/);
    expect(replied.effects).toMatch(/DELETE FROM scheduled_jobs/);
    expect(replied.answer.contact).toEqual(await storedContact(request.contactId));

    const rated = await unitOf(/buyer_contacts/, () => f.client.rateContact({ requestId: f.id('req'), contactId: request.contactId, buyerId: 'buyer-stmt', rating: 4, resolved: true }));
    expect(rated.shapes).toEqual(['BEGIN', 'claim', 'contact lock', 'effects', 'COMMIT']);
    expect(rated.writes).toBe(2);
    expect(rated.effects).toMatch(/UPDATE buyer_contacts/);
    expect(rated.answer.contact).toEqual(await storedContact(request.contactId));
    expect(rated.answer.contact).toMatchObject({ rating: 4, buyerResolved: true, breached: false, firstReplyTime: request.contactTime });
  });

  it('files a complaint on an order in two round trips, written with the effects and read back as answered', async () => {
    const orderId = await f.recordOrder({ buyerId: 'buyer-stmt-c', merchantId: 'merchant-stmt-c' });
    const filed = await unitOf(/INSERT INTO complaints/, () =>
      f.client.fileComplaint({
        requestId: f.id('req'),
        buyerId: 'buyer-stmt-c',
        targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_SERVICE,
        targetId: orderId,
        orderId,
        merchantId: '',
        category: ComplaintCategory.COMPLAINT_CATEGORY_MISLEADING_CLAIM,
        text: 'slow',
        evidenceRefs: ['photo-1'],
      }),
    );
    expect(filed.shapes).toEqual(['BEGIN', 'claim', 'order', 'effects', 'COMMIT']);
    expect(filed.writes).toBe(2);
    expect(filed.effects).toMatch(/INSERT INTO complaints/);
    expect(filed.effects).toMatch(/INSERT INTO outbox_events/);
    const complaintId = filed.answer.complaint?.complaintId ?? '';
    expect(filed.answer.complaint).toEqual(complaintToProto(await f.sut.db.complaint.findUniqueOrThrow({ where: { complaintId } })));
    expect((await f.client.getComplaint({ complaintId })).complaint).toEqual(filed.answer.complaint);
  });

  /** The transactions of the jobs due now that sent a statement on `table` with `value` among its values, as sent. */
  const jobUnits = async (table: RegExp, value: string): Promise<{ shapes: string[]; effects: string; writes: number }[]> => {
    const recorder = recordPgStatements();
    await f.sut.runDueJobs().finally(() => recorder.restore());
    return recorder
      .transactions((s) => table.test(s.text) && s.values.includes(value))
      .map((unit) => ({ shapes: shapes(unit.statements), effects: unit.statements.find((s) => /^\s*WITH outbox AS/.test(s)) ?? '', writes: unit.writes }));
  };

  it('nudges a new buyer’s stuck order in one round trip after the job’s claim, the case and decision written with the effects; the step-in reads through no Prisma', async () => {
    const merchantId = 'merchant-stmt-care';
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 100_000n, paymentRef: 'bank-stmt-care' });
    const orderId = await f.recordOrder({ buyerId: f.id('new-buyer'), merchantId, amountFen: 10_000n });

    f.clock.advance(35 * HOUR + MINUTE);
    const [nudge, ...others] = await jobUnits(/INSERT INTO care_cases/, orderId);
    expect(others).toEqual([]);
    expect(nudge?.shapes).toEqual(['BEGIN', 'job claim', 'order lock', 'care reads', 'effects', 'job done', 'COMMIT']);
    expect(nudge?.writes).toBe(3);
    expect(nudge?.effects).toMatch(/INSERT INTO care_cases/);
    expect(nudge?.effects).toMatch(/INSERT INTO decision_records/);
    const [opened] = (await f.client.listCareCases({ orderId, buyerId: '', merchantId: '', pageSize: 50, pageToken: '' })).careCases;
    expect(opened?.steps.map((step) => step.step)).toEqual(['NUDGED']);

    f.clock.advance(37 * HOUR);
    const [stepIn] = await jobUnits(/UPDATE care_cases/, opened?.caseId ?? '');
    expect(stepIn).toBeDefined();
    expect(stepIn?.shapes.filter((shape) => shape === 'prisma')).toEqual([]);
    expect((await f.client.getCareCase({ caseId: opened?.caseId ?? '' })).careCase?.paidFen).toBe(10_000n);
  });

  it('finds an unanswered contact a breach at its due time through no Prisma, its change written with the effects', async () => {
    const contactId = f.id('contact');
    await f.client.recordBuyerContact({
      requestId: f.id('req'),
      contactId,
      buyerId: 'buyer-stmt-late',
      merchantId: 'merchant-stmt-late',
      orderId: '',
      channel: ContactChannel.CONTACT_CHANNEL_CHAT,
      topic: ContactTopic.CONTACT_TOPIC_PRE_SALE,
      contactTime: f.clock.now(),
    });
    f.clock.advance(HOUR);
    const [deadline, ...others] = await jobUnits(/FROM buyer_contacts WHERE contact_id/, contactId);
    expect(others).toEqual([]);
    expect(deadline?.shapes.filter((shape) => shape === 'prisma')).toEqual([]);
    expect(deadline?.effects).toMatch(/UPDATE buyer_contacts/);
  });
});
