import type { BuyerContactRow, ComplaintRow } from '@govern/consumer-experience-data-access';
import { SERVICE_NORM_POLICY, serviceNormMetricsFromCounts, type ServiceNormMetrics, type ServiceNormPolicy, type Window } from '@govern/consumer-experience-domain';
import { isUniqueViolation, sql, type Sql, type SqlStatement, rowFromSql } from '@govern/platform-db';

/**
 * Buyer contacts in plain SQL (issue 19): every buyer message of the platform lands here, so the
 * writes are single statements like order intake; the figures are aggregated in SQL by the same
 * rules as the domain's `serviceNormMetrics` (percentiles by nearest rank: percentile_disc).
 */

export interface NewContact {
  contactId: string;
  buyerId: string;
  merchantId: string;
  orderId: string | null;
  channel: string;
  topic: string;
  contactedAt: Date;
  firstReplyDueAt: Date;
  newBuyer: boolean;
  reasons: unknown;
  policyName: string;
  policyVersion: string;
  now: Date;
}

const isContactIdTaken = (error: unknown): boolean => isUniqueViolation(error) && (error as { constraint?: string }).constraint === 'buyer_contacts_pkey';

/**
 * Inserts a contact, sent without waiting: given the unit's `withEffectsSql`, it goes out inside the
 * unit's effects statement with COMMIT, so the call costs no round trip of its own. A taken contact
 * id violates the primary key (a concurrent insert of the same id waits for the other to commit) and
 * fails the unit with what `taken` makes of it. Returns the row as it will be stored.
 */
export const insertContact = (db: Pick<Sql, 'sendRefusing'>, c: NewContact, taken: () => Error): BuyerContactRow => {
  const reasons = JSON.stringify(c.reasons);
  db.sendRefusing(
    sql`
    INSERT INTO buyer_contacts (contact_id, buyer_id, merchant_id, order_id, channel, topic, contacted_at, first_reply_due_at, new_buyer,
                                reasons, policy_name, policy_version, created_at, updated_at)
    VALUES (${c.contactId}, ${c.buyerId}, ${c.merchantId}, ${c.orderId}::text, ${c.channel}, ${c.topic}, ${c.contactedAt}::timestamptz,
            ${c.firstReplyDueAt}::timestamptz, ${c.newBuyer}, ${reasons}::jsonb, ${c.policyName}, ${c.policyVersion},
            ${c.now}::timestamptz, ${c.now}::timestamptz)`,
    (error) => (isContactIdTaken(error) ? taken() : undefined),
  );
  const { now, reasons: _, ...columns } = c;
  return {
    ...columns,
    firstReplyAt: null,
    breached: false,
    resolvedMarkAt: null,
    rating: null,
    buyerResolved: null,
    ratedAt: null,
    reasons: JSON.parse(reasons) as BuyerContactRow['reasons'],
    createdAt: now,
    updatedAt: now,
  };
};

/** Locks one contact for the rest of the transaction (replies, ratings and its timer serialise on it). */
export const lockContact = async (db: Sql, contactId: string): Promise<BuyerContactRow | undefined> => {
  const [row] = await db.query(sql`SELECT * FROM buyer_contacts WHERE contact_id = ${contactId} FOR UPDATE`);
  return row ? rowFromSql<BuyerContactRow>(row) : undefined;
};

export interface ContactChange {
  firstReplyAt: Date | null;
  breached: boolean;
  resolvedMarkAt: Date | null;
  rating: number | null;
  buyerResolved: boolean | null;
  ratedAt: Date | null;
  reasons: unknown;
}

/**
 * Writes a locked contact's change, sent without waiting (given the unit's `withEffectsSql`, inside its
 * effects statement: nothing in the unit reads the contact after its change). Returns the row as it
 * will be stored.
 */
export const updateContact = (db: Pick<Sql, 'send'>, contact: BuyerContactRow, c: ContactChange, now: Date): BuyerContactRow => {
  const reasons = JSON.stringify(c.reasons);
  db.send(sql`
    UPDATE buyer_contacts
       SET first_reply_at = ${c.firstReplyAt}::timestamptz, breached = ${c.breached}, resolved_mark_at = ${c.resolvedMarkAt}::timestamptz,
           rating = ${c.rating}::int, buyer_resolved = ${c.buyerResolved}::boolean, rated_at = ${c.ratedAt}::timestamptz,
           reasons = ${reasons}::jsonb, updated_at = ${now}::timestamptz
     WHERE contact_id = ${contact.contactId}`);
  return { ...contact, ...c, reasons: JSON.parse(reasons) as BuyerContactRow['reasons'], updatedAt: now };
};

/** A merchant's breaches whose first reply fell due in [since, until]: the violation-candidate count. */
export const breachesSince = async (db: Sql, merchantId: string, since: Date, until: Date): Promise<number> => {
  const [row] = await db.query<{ breaches: bigint }>(sql`
    SELECT count(*) AS breaches FROM buyer_contacts
     WHERE merchant_id = ${merchantId} AND breached AND first_reply_due_at >= ${since}::timestamptz AND first_reply_due_at <= ${until}::timestamptz`);
  return Number(row?.breaches ?? 0n);
};

interface NormRow {
  contacts: bigint;
  judged: bigint;
  answered: bigint;
  within: bigint;
  p50_ms: string | number | null;
  p90_ms: string | number | null;
  resolved: bigint;
  ratings: bigint;
  satisfied: bigint;
  rating_sum: bigint | null;
  new_buyer_ratings: bigint;
  new_buyer_satisfied: bigint;
}

const normFigures = (filter: SqlStatement, window: Window, now: Date, policy: ServiceNormPolicy) => {
  const at = sql`${now}::timestamptz`;
  const answered = sql`(first_reply_at IS NOT NULL AND first_reply_at <= ${at})`;
  const replyMs = sql`extract(epoch FROM (first_reply_at - contacted_at)) * 1000`;
  const markCounts = sql`(resolved_mark_at IS NOT NULL AND resolved_mark_at - contacted_at <= make_interval(secs => ${policy.resolution.merchantMarkCountsWithinMs}::double precision / 1000))`;
  const resolved = policy.resolution.buyerVerdictPrevails ? sql`coalesce(buyer_resolved, ${markCounts})` : markCounts;
  return sql`
    SELECT count(*) AS contacts,
           count(*) FILTER (WHERE ${answered} OR first_reply_due_at <= ${at}) AS judged,
           count(*) FILTER (WHERE ${answered}) AS answered,
           count(*) FILTER (WHERE ${answered} AND first_reply_at <= first_reply_due_at) AS within,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY ${replyMs}) FILTER (WHERE ${answered}) AS p50_ms,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY ${replyMs}) FILTER (WHERE ${answered}) AS p90_ms,
           count(*) FILTER (WHERE ${resolved}) AS resolved,
           count(rating) AS ratings,
           count(*) FILTER (WHERE rating >= ${policy.satisfiedRatingAtLeast}::int) AS satisfied,
           sum(rating) AS rating_sum,
           count(rating) FILTER (WHERE new_buyer) AS new_buyer_ratings,
           count(*) FILTER (WHERE new_buyer AND rating >= ${policy.satisfiedRatingAtLeast}::int) AS new_buyer_satisfied
      FROM buyer_contacts
     WHERE ${filter} AND contacted_at >= ${window.start}::timestamptz AND contacted_at < ${window.end}::timestamptz`;
};

export interface PlatformNormFigures {
  norms: ServiceNormMetrics;
  newBuyerRatings: number;
  newBuyerSatisfied: number;
}

const figuresOf = (row: NormRow | undefined, window: Window, policy: ServiceNormPolicy): PlatformNormFigures => ({
  norms: serviceNormMetricsFromCounts(
    window,
    {
      contacts: Number(row?.contacts ?? 0n),
      judged: Number(row?.judged ?? 0n),
      answered: Number(row?.answered ?? 0n),
      answeredWithinSla: Number(row?.within ?? 0n),
      firstReplyP50Ms: Number(row?.p50_ms ?? 0),
      firstReplyP90Ms: Number(row?.p90_ms ?? 0),
      resolved: Number(row?.resolved ?? 0n),
      ratings: Number(row?.ratings ?? 0n),
      satisfied: Number(row?.satisfied ?? 0n),
      ratingSum: Number(row?.rating_sum ?? 0n),
    },
    policy,
  ),
  newBuyerRatings: Number(row?.new_buyer_ratings ?? 0n),
  newBuyerSatisfied: Number(row?.new_buyer_satisfied ?? 0n),
});

/** A merchant's service-norm figures over contacts made in the window. */
export const merchantNormFigures = async (db: Sql, merchantId: string, window: Window, now: Date, policy: ServiceNormPolicy = SERVICE_NORM_POLICY): Promise<ServiceNormMetrics> => {
  const [row] = await db.query<NormRow>(normFigures(sql`merchant_id = ${merchantId}`, window, now, policy));
  return figuresOf(row, window, policy).norms;
};

/** The platform's service-norm figures and new buyers' satisfaction over contacts made in the window. */
export const platformNormFigures = async (db: Sql, window: Window, now: Date, policy: ServiceNormPolicy = SERVICE_NORM_POLICY): Promise<PlatformNormFigures> => {
  const [row] = await db.query<NormRow>(normFigures(sql`TRUE`, window, now, policy));
  return figuresOf(row, window, policy);
};

/**
 * Records a buyer's complaint, sent without waiting (given the unit's `withEffectsSql`, inside its
 * effects statement: its id is new and nothing in the unit reads it back). Returns the row as it will be stored.
 */
export const insertComplaint = (db: Pick<Sql, 'send'>, c: Omit<ComplaintRow, 'evidenceRefs'> & { evidenceRefs: readonly string[] }): ComplaintRow => {
  const evidenceRefs = JSON.stringify(c.evidenceRefs);
  db.send(sql`
    INSERT INTO complaints (complaint_id, buyer_id, target_type, target_id, merchant_id, order_id, product_id, content_id, category, text,
                            evidence_refs, status, routed_to, created_at)
    VALUES (${c.complaintId}, ${c.buyerId}, ${c.targetType}, ${c.targetId}, ${c.merchantId}::text, ${c.orderId}::text, ${c.productId}::text,
            ${c.contentId}::text, ${c.category}, ${c.text}, ${evidenceRefs}::jsonb, ${c.status}, ${c.routedTo}, ${c.createdAt}::timestamptz)`);
  return { ...c, evidenceRefs: JSON.parse(evidenceRefs) as ComplaintRow['evidenceRefs'] };
};
