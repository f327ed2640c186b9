import { BuyerContactBreachedEvent } from '@govern/contracts-consumer-experience';
import type { BuyerContactRow } from '@govern/consumer-experience-data-access';
import {
  judgeFirstReply,
  planContact,
  SERVICE_NORM_POLICIES,
  SERVICE_NORM_POLICY,
  unansweredBreach,
  violationCandidate,
  type ContactChannel,
  type ContactTopic,
  type ServiceNormPolicy,
} from '@govern/consumer-experience-domain';
import { alreadyExists, failedPrecondition, notFound, reason, ValidationError, type Reason } from '@govern/policy-core';
import { latestOrderNewBuyer } from '../adapters/care.repository';
import { breachesSince, insertContact, lockContact, updateContact } from '../adapters/contacts.repository';
import { orderParties, type OrderParties } from '../adapters/sql-rows';
import { JOB } from '../jobs/job-kinds';
import { contactChannelCodec } from '../mapping/enums';
import { policyToProto, reasonsFromJson, reasonsToJson, reasonsToProto } from '../mapping/to-proto';
import type { Work } from './work';

/**
 * Buyer contacts under the merchant service norms (issue 19): a contact's first reply is due by its
 * channel's norm (a durable timer at that time finds an unanswered one a breach); a reply is judged
 * against it; the buyer rates the contact afterwards. Breaches are published for merchant-access
 * with the count that makes a violation candidate, and every fact marks the merchant for its
 * debounced service-metrics report (the service dimension of the store experience score).
 */

export interface RecordContactInput {
  contactId: string;
  buyerId: string;
  merchantId: string;
  orderId?: string | undefined;
  channel: ContactChannel;
  topic: ContactTopic;
  contactedAt: Date;
}

/**
 * Whether the buyer is new when writing: the order's own mark (decided at intake, with the order
 * system's history when it gave one), else the buyer's latest order's; a buyer without any order
 * asking before a first purchase is new.
 */
const newBuyerAt = async (work: Work, buyerId: string, order: OrderParties | undefined): Promise<boolean> => {
  if (order) return order.newBuyer;
  return (await latestOrderNewBuyer(work.sql, buyerId)) ?? true;
};

/**
 * One read (pipelined with BEGIN and the request's claim), then the contact goes out with the unit's
 * effects and COMMIT: a contact costs two round trips.
 */
export const recordBuyerContact = async (work: Work, input: RecordContactInput): Promise<BuyerContactRow> => {
  const order = input.orderId ? await orderParties(work.sql, input.orderId) : undefined;
  if (input.orderId && !order) throw notFound('ORDER.NOT_FOUND', `Unknown order ${input.orderId}`, { order_id: input.orderId });
  if (order) {
    const violations = [
      ...(order.buyerId === input.buyerId ? [] : [{ field: 'buyer_id', description: 'does not own the order', reason: 'NOT_ORDER_OWNER' }]),
      ...(order.merchantId === input.merchantId ? [] : [{ field: 'merchant_id', description: 'is not the merchant of the order', reason: 'NOT_THE_ORDER_MERCHANT' }]),
    ];
    if (violations.length > 0) throw new ValidationError(violations, 'CONTACT.INVALID');
  }
  const policy = SERVICE_NORM_POLICY;
  const plan = planContact({ channel: input.channel, contactedAt: input.contactedAt }, policy);
  const contact = insertContact(
    work.withEffectsSql,
    {
      contactId: input.contactId,
      buyerId: input.buyerId,
      merchantId: input.merchantId,
      orderId: order?.orderId ?? null,
      channel: input.channel,
      topic: input.topic,
      contactedAt: input.contactedAt,
      firstReplyDueAt: plan.firstReplyDueAt,
      newBuyer: await newBuyerAt(work, input.buyerId, order),
      reasons: reasonsToJson(plan.reasons),
      policyName: plan.policy.name,
      policyVersion: plan.policy.version,
      now: work.now,
    },
    () => alreadyExists('CONTACT.ALREADY_RECORDED', `Contact ${input.contactId} is already recorded`, { contact_id: input.contactId }),
  );
  work.schedule({ kind: JOB.CONTACT_REPLY_DEADLINE, key: contact.contactId, dueAt: new Date(plan.firstReplyDueAt.getTime() + policy.noReplyFoundAfterMs) });
  work.touch({ merchantId: contact.merchantId });
  return contact;
};

const policyOf = (contact: BuyerContactRow): ServiceNormPolicy => SERVICE_NORM_POLICIES.find(contact.policyVersion) ?? SERVICE_NORM_POLICIES.active;

const lockKnownContact = async (work: Work, contactId: string): Promise<BuyerContactRow> => {
  const contact = await lockContact(work.sql, contactId);
  if (!contact) throw notFound('CONTACT.NOT_FOUND', `Unknown contact ${contactId}`, { contact_id: contactId });
  return contact;
};

/** Publishes a breach with the merchant's count in the policy's window, and whether it makes a violation candidate. */
const publishBreach = async (work: Work, contact: BuyerContactRow, reasons: readonly Reason[], policy: ServiceNormPolicy): Promise<Reason[]> => {
  const since = new Date(work.now.getTime() - policy.violationCandidate.windowMs);
  // This contact's own breach is written in this transaction, after the count: counted here.
  const breaches = (await breachesSince(work.sql, contact.merchantId, since, work.now)) + 1;
  const candidate = violationCandidate(breaches, policy);
  const all = [...reasons, ...candidate.reasons];
  work.emit(BuyerContactBreachedEvent, {
    contactId: contact.contactId,
    merchantId: contact.merchantId,
    channel: contactChannelCodec.toProto(contact.channel as ContactChannel),
    firstReplyDueTime: contact.firstReplyDueAt,
    firstReplyTime: contact.firstReplyAt ?? undefined,
    breachesInWindow: BigInt(breaches),
    violationCandidate: candidate.candidate,
    reasons: reasonsToProto(all),
    policy: policyToProto(policy.name, policy.version),
  });
  return all;
};

export const recordMerchantReply = async (work: Work, input: { contactId: string; repliedAt: Date; resolves: boolean }): Promise<BuyerContactRow> => {
  const contact = await lockKnownContact(work, input.contactId);
  if (input.repliedAt.getTime() < contact.contactedAt.getTime()) {
    throw new ValidationError([{ field: 'reply_time', description: 'is before the contact', reason: 'BEFORE_CONTACT' }], 'CONTACT.INVALID_REPLY');
  }
  const policy = policyOf(contact);
  let reasons = reasonsFromJson(contact.reasons);
  let { breached } = contact;
  const firstReply = contact.firstReplyAt === null;
  if (firstReply) {
    const judgement = judgeFirstReply({ channel: contact.channel as ContactChannel, contactedAt: contact.contactedAt, firstReplyDueAt: contact.firstReplyDueAt }, input.repliedAt, policy);
    work.cancel(JOB.CONTACT_REPLY_DEADLINE, contact.contactId);
    // Judged by when the reply was sent: one found missing by the timer that was sent in time (its
    // record came late) clears the breach; a late one already found by the timer is published once.
    const newBreach = !judgement.withinSla && !breached;
    const judged = newBreach ? await publishBreach(work, { ...contact, firstReplyAt: input.repliedAt }, judgement.reasons, policy) : judgement.reasons;
    const cleared = judgement.withinSla && breached ? [reason('SERVICE_NORM.REPLY_RECORDED_LATE', 'The reply was sent in time; it reached the platform after the due time')] : [];
    reasons = [...reasons, ...judged, ...cleared];
    breached = !judgement.withinSla;
  }
  const resolvedMarkAt = contact.resolvedMarkAt ?? (input.resolves ? input.repliedAt : null);
  if (input.resolves && contact.resolvedMarkAt === null) reasons = [...reasons, reason('SERVICE_NORM.MARKED_RESOLVED', 'The merchant marked the contact resolved', { at: input.repliedAt.toISOString() })];
  const updated = updateContact(
    work.withEffectsSql,
    contact,
    {
      firstReplyAt: contact.firstReplyAt ?? input.repliedAt,
      breached,
      resolvedMarkAt,
      rating: contact.rating,
      buyerResolved: contact.buyerResolved,
      ratedAt: contact.ratedAt,
      reasons: reasonsToJson(reasons),
    },
    work.now,
  );
  work.touch({ merchantId: contact.merchantId });
  return updated;
};

export const rateContact = async (work: Work, input: { contactId: string; buyerId: string; rating: number; resolved: boolean }): Promise<BuyerContactRow> => {
  const contact = await lockKnownContact(work, input.contactId);
  if (contact.buyerId !== input.buyerId) {
    throw new ValidationError([{ field: 'buyer_id', description: 'is not the buyer of the contact', reason: 'NOT_CONTACT_BUYER' }], 'CONTACT.INVALID_RATING');
  }
  if (contact.rating !== null) throw alreadyExists('CONTACT.ALREADY_RATED', 'The contact has already been rated', { contact_id: contact.contactId });
  const policy = policyOf(contact);
  if (work.now.getTime() - contact.contactedAt.getTime() > policy.ratingWithinMs) {
    throw failedPrecondition('CONTACT.RATING_CLOSED', 'Contacts are rated within the policy’s window after them', {
      contact_id: contact.contactId,
      rating_within_ms: String(policy.ratingWithinMs),
    });
  }
  const updated = updateContact(
    work.withEffectsSql,
    contact,
    {
      firstReplyAt: contact.firstReplyAt,
      breached: contact.breached,
      resolvedMarkAt: contact.resolvedMarkAt,
      rating: input.rating,
      buyerResolved: input.resolved,
      ratedAt: work.now,
      reasons: contact.reasons,
    },
    work.now,
  );
  work.touch({ merchantId: contact.merchantId });
  return updated;
};

/** The first reply fell due: none yet is a breach (a reply recorded since cancelled this timer). */
export const onContactReplyDeadline = async (work: Work, contactId: string): Promise<void> => {
  const contact = await lockContact(work.sql, contactId);
  if (!contact || contact.firstReplyAt !== null || contact.breached) return;
  if (contact.firstReplyDueAt.getTime() > work.now.getTime()) return;
  const policy = policyOf(contact);
  const breach = unansweredBreach({ channel: contact.channel as ContactChannel, firstReplyDueAt: contact.firstReplyDueAt }, policy);
  const reasons = await publishBreach(work, contact, breach.reasons, policy);
  updateContact(
    work.withEffectsSql,
    contact,
    {
      firstReplyAt: null,
      breached: true,
      resolvedMarkAt: contact.resolvedMarkAt,
      rating: contact.rating,
      buyerResolved: contact.buyerResolved,
      ratedAt: contact.ratedAt,
      reasons: reasonsToJson([...reasonsFromJson(contact.reasons), ...reasons]),
    },
    work.now,
  );
  work.touch({ merchantId: contact.merchantId });
};
