import type { Db } from './records';

/** The merchant figures of the governance report over a window, counted in the database. */
export interface GovernanceFigures {
  applicationsReceived: bigint;
  applicationsApproved: bigint;
  applicationsApprovedWithRestrictions: bigint;
  applicationsSentToReview: bigint;
  highRiskApplicationsIntercepted: bigint;
  ringLinksIntercepted: bigint;
  merchantsRemoved: bigint;
  zeroToleranceRemovals: bigint;
  depositsForfeitedFen: bigint;
  violationsRecorded: bigint;
  listingRestrictionsImposed: bigint;
  suspensionsImposed: bigint;
  affiliateClearances: bigint;
  affiliateReadmissions: bigint;
  appealsFiled: bigint;
  appealsOverturned: bigint;
  reviewCasesOpened: bigint;
  reviewCasesSlaBreached: bigint;
}

/** Column alias -> figure; the aliases are the snake_case of the figures. */
const FIGURES: readonly (keyof GovernanceFigures)[] = [
  'applicationsReceived',
  'applicationsApproved',
  'applicationsApprovedWithRestrictions',
  'applicationsSentToReview',
  'highRiskApplicationsIntercepted',
  'ringLinksIntercepted',
  'merchantsRemoved',
  'zeroToleranceRemovals',
  'depositsForfeitedFen',
  'violationsRecorded',
  'listingRestrictionsImposed',
  'suspensionsImposed',
  'affiliateClearances',
  'affiliateReadmissions',
  'appealsFiled',
  'appealsOverturned',
  'reviewCasesOpened',
  'reviewCasesSlaBreached',
];
const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Counts over [start, end): automatic decisions by band (decided in the window), interceptions
 * (applications closed as rejected, automatically or by a reviewer), removals and sanctions by
 * start, violations by recording, affiliate changes, appeals and review cases. Two parameters,
 * named by position once: $1 is the window's start, $2 its end.
 */
export const countGovernanceFigures = async (db: Db, window: { start: Date; end: Date }): Promise<GovernanceFigures> => {
  const [row] = await db.$queryRawUnsafe<Record<string, bigint>[]>(
    `SELECT
       (SELECT count(*) FROM applications WHERE decided_at >= $1 AND decided_at < $2) AS applications_received,
       (SELECT count(*) FROM applications WHERE decided_at >= $1 AND decided_at < $2 AND band = 'APPROVE') AS applications_approved,
       (SELECT count(*) FROM applications WHERE decided_at >= $1 AND decided_at < $2 AND band = 'APPROVE_WITH_RESTRICTIONS') AS applications_approved_with_restrictions,
       (SELECT count(*) FROM applications WHERE decided_at >= $1 AND decided_at < $2 AND band = 'MANUAL_REVIEW') AS applications_sent_to_review,
       (SELECT count(*) FROM applications WHERE closed_at >= $1 AND closed_at < $2 AND status = 'REJECTED') AS high_risk_applications_intercepted,
       (SELECT count(*) FROM applications WHERE closed_at >= $1 AND closed_at < $2 AND status = 'REJECTED' AND ring_link) AS ring_links_intercepted,
       (SELECT count(*) FROM sanctions WHERE starts_at >= $1 AND starts_at < $2 AND kind = 'REMOVED') AS merchants_removed,
       (SELECT count(*) FROM sanctions WHERE starts_at >= $1 AND starts_at < $2 AND kind = 'REMOVED' AND zero_tolerance) AS zero_tolerance_removals,
       (SELECT coalesce(sum(deposit_forfeited_fen), 0)::bigint FROM sanctions
         WHERE starts_at >= $1 AND starts_at < $2 AND kind = 'REMOVED' AND lifted_at IS NULL) AS deposits_forfeited_fen,
       (SELECT count(*) FROM violations WHERE recorded_at >= $1 AND recorded_at < $2) AS violations_recorded,
       (SELECT count(*) FROM sanctions WHERE starts_at >= $1 AND starts_at < $2 AND kind = 'LISTING_RESTRICTED') AS listing_restrictions_imposed,
       (SELECT count(*) FROM sanctions WHERE starts_at >= $1 AND starts_at < $2 AND kind = 'SUSPENDED') AS suspensions_imposed,
       (SELECT count(*) FROM affiliate_changes WHERE changed_at >= $1 AND changed_at < $2 AND NOT eligible) AS affiliate_clearances,
       (SELECT count(*) FROM affiliate_changes WHERE changed_at >= $1 AND changed_at < $2 AND eligible) AS affiliate_readmissions,
       (SELECT count(*) FROM appeals WHERE filed_at >= $1 AND filed_at < $2) AS appeals_filed,
       (SELECT count(*) FROM appeals WHERE decided_at >= $1 AND decided_at < $2 AND status = 'OVERTURNED') AS appeals_overturned,
       (SELECT count(*) FROM review_cases WHERE opened_at >= $1 AND opened_at < $2) AS review_cases_opened,
       (SELECT count(*) FROM review_cases WHERE decided_at >= $1 AND decided_at < $2 AND sla_breached) AS review_cases_sla_breached`,
    window.start,
    window.end,
  );
  if (!row) throw new Error('governance stats query returned no row');
  return Object.fromEntries(FIGURES.map((name) => [name, BigInt(row[snake(name)] ?? 0n)])) as unknown as GovernanceFigures;
};
