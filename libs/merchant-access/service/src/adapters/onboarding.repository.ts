import type { ApplicationRow, MerchantRow, ReviewCaseRow } from '@govern/merchant-access-data-access';
import type { GraphIdentifier } from '@govern/merchant-access-domain';
import { sql, type Sql } from '@govern/platform-db';

/**
 * Onboarding's writes in plain SQL: SubmitApplication is a hot path, and through Prisma its five
 * model calls and the transaction Prisma joined for them were a quarter of the service's CPU (issue
 * 13). Each function sends its statements without waiting: they leave with the unit's other writes
 * and COMMIT, and a failure fails the unit. Given the unit's `withEffectsSql` as `db`, each
 * statement is a data-modifying CTE of the unit's effects statement rather than a statement of its
 * own (a statement costs the service a query's worth of work in node-postgres), which is why a row
 * and its identifiers are two statements, not one WITH: a WITH that modifies data cannot be nested
 * in another. The foreign keys between them (identifiers to the application, the merchant to its
 * application, ring entries to the merchant) are checked at the end of the statement that holds
 * them all, and in the order sent when they are statements of their own. Each returns the row as
 * it is stored (the model's field names and types, the columns' defaults, JSON as read back),
 * built here rather than read back with RETURNING, which would cost the call a round trip.
 */
const json = (value: unknown): string => JSON.stringify(value);
/** A JSON column's value as PostgreSQL gives it back: what the text sent parses to. */
const stored = (text: string): ApplicationRow['reasons'] => JSON.parse(text) as ApplicationRow['reasons'];

export interface NewApplication {
  id: string;
  status: string;
  companyName: string;
  creditCodeMasked: string;
  legalRepNameMasked: string;
  phoneMasked: string;
  bankAccountMasked: string;
  regionCode: string;
  categoryCodes: readonly string[];
  registeredCapitalFen: bigint;
  riskScore: number;
  band: string;
  ringLink: boolean;
  /** JSON column values (what the service wrote itself: reasons, ring paths). */
  reasons: unknown;
  ringLinks: unknown;
  approvableCategoryCodes: readonly string[];
  policyName: string;
  policyVersion: string;
  submittedAt: Date;
  decidedAt: Date;
  closedAt: Date | null;
  reviewCaseId: string | null;
  merchantId: string | null;
}

/** The application and its hashed identifiers (an identifier given twice is stored once). */
export const insertApplication = (db: Pick<Sql, 'send'>, a: NewApplication, identifiers: readonly GraphIdentifier[]): ApplicationRow => {
  const categoryCodes = json(a.categoryCodes);
  const reasons = json(a.reasons);
  const ringLinks = json(a.ringLinks);
  const approvableCategoryCodes = json(a.approvableCategoryCodes);
  db.send(sql`
    INSERT INTO applications (id, status, company_name, credit_code_masked, legal_rep_name_masked, phone_masked, bank_account_masked,
                              region_code, category_codes, registered_capital_fen, risk_score, band, ring_link, reasons, ring_links,
                              approvable_category_codes, policy_name, policy_version, submitted_at, decided_at, closed_at,
                              review_case_id, merchant_id)
    VALUES (${a.id}, ${a.status}, ${a.companyName}, ${a.creditCodeMasked}, ${a.legalRepNameMasked}, ${a.phoneMasked}, ${a.bankAccountMasked},
            ${a.regionCode}, ${categoryCodes}::jsonb, ${a.registeredCapitalFen}::bigint, ${a.riskScore}::int, ${a.band}, ${a.ringLink}::boolean,
            ${reasons}::jsonb, ${ringLinks}::jsonb, ${approvableCategoryCodes}::jsonb, ${a.policyName}, ${a.policyVersion},
            ${a.submittedAt}::timestamptz, ${a.decidedAt}::timestamptz, ${a.closedAt}::timestamptz, ${a.reviewCaseId}::text, ${a.merchantId}::text)`);
  db.send(sql`
    INSERT INTO application_identifiers (application_id, kind, hash)
    SELECT ${a.id}, i.kind, i.hash FROM unnest(${identifiers.map((i) => i.kind)}::text[], ${identifiers.map((i) => i.key)}::text[]) AS i(kind, hash)
    ON CONFLICT DO NOTHING`);
  return {
    ...a,
    categoryCodes: stored(categoryCodes),
    reasons: stored(reasons),
    ringLinks: stored(ringLinks),
    approvableCategoryCodes: stored(approvableCategoryCodes),
  };
};

export interface NewMerchant {
  id: string;
  applicationId: string;
  companyName: string;
  creditCodeMasked: string;
  onboardingBand: string;
  listingQuota: number;
  depositFen: bigint;
  approvedCategoryCodes: readonly string[];
  affiliateEligible: boolean;
  onboardedAt: Date;
}

/**
 * The merchant and its identifiers in the ring graph log, in the order given (every replica's graph
 * reads them at its next check; an entry already there is kept).
 */
export const insertMerchant = (db: Pick<Sql, 'send'>, m: NewMerchant, identifiers: readonly GraphIdentifier[]): MerchantRow => {
  const approvedCategoryCodes = json(m.approvedCategoryCodes);
  db.send(sql`
    INSERT INTO merchants (id, application_id, company_name, credit_code_masked, onboarding_band, listing_quota, deposit_fen,
                           approved_category_codes, affiliate_eligible, onboarded_at)
    VALUES (${m.id}, ${m.applicationId}, ${m.companyName}, ${m.creditCodeMasked}, ${m.onboardingBand}, ${m.listingQuota}::int,
            ${m.depositFen}::bigint, ${approvedCategoryCodes}::jsonb, ${m.affiliateEligible}::boolean, ${m.onboardedAt}::timestamptz)`);
  db.send(sql`
    INSERT INTO ring_graph_entries (merchant_id, identifier_kind, identifier_hash)
    SELECT ${m.id}, e.kind, e.hash
      FROM unnest(${identifiers.map((i) => i.kind)}::text[], ${identifiers.map((i) => i.key)}::text[]) WITH ORDINALITY AS e(kind, hash, n)
     ORDER BY e.n
    ON CONFLICT DO NOTHING`);
  // The columns left to their defaults: a new merchant is active, has forfeited nothing and is not removed.
  return { ...m, approvedCategoryCodes: stored(approvedCategoryCodes), status: 'ACTIVE', depositForfeitedFen: 0n, removedAt: null };
};

export interface NewApplicationReviewCase {
  id: string;
  status: string;
  applicationId: string;
  riskScore: number;
  reasons: unknown;
  openedAt: Date;
  slaDueAt: Date;
}

/** The review case an application in the manual-review band opens. */
export const insertApplicationReviewCase = (db: Pick<Sql, 'send'>, c: NewApplicationReviewCase): ReviewCaseRow => {
  const reasons = json(c.reasons);
  db.send(sql`
    INSERT INTO review_cases (id, kind, status, application_id, risk_score, reasons, opened_at, sla_due_at)
    VALUES (${c.id}, 'APPLICATION', ${c.status}, ${c.applicationId}, ${c.riskScore}::int, ${reasons}::jsonb,
            ${c.openedAt}::timestamptz, ${c.slaDueAt}::timestamptz)`);
  // The columns left to their defaults: unclaimed, undecided, no note, within its SLA.
  return {
    ...c,
    kind: 'APPLICATION',
    reasons: stored(reasons),
    appealId: null,
    merchantId: null,
    assigneeId: null,
    claimedAt: null,
    decidedAt: null,
    reviewDecision: null,
    appealDecision: null,
    note: '',
    slaBreached: false,
  };
};
