import type { GetGovernanceStatsRequest, GetGovernanceStatsResponse } from '@govern/contracts-merchant-access';
import { Violations } from '@govern/policy-core';
import type { MerchantAccessDeps } from './deps';

interface StatsRow {
  applications_received: bigint;
  applications_approved: bigint;
  applications_approved_with_restrictions: bigint;
  applications_sent_to_review: bigint;
  high_risk_applications_intercepted: bigint;
  ring_links_intercepted: bigint;
  merchants_removed: bigint;
  zero_tolerance_removals: bigint;
  deposits_forfeited_fen: bigint;
  violations_recorded: bigint;
  listing_restrictions_imposed: bigint;
  suspensions_imposed: bigint;
  affiliate_clearances: bigint;
  affiliate_readmissions: bigint;
  appeals_filed: bigint;
  appeals_overturned: bigint;
  review_cases_opened: bigint;
  review_cases_sla_breached: bigint;
}

/**
 * The merchant figures of the governance report over [start, end), counted in the database:
 * automatic decisions by band (decided in the window), interceptions (applications closed as
 * rejected, automatically or by a reviewer), removals and sanctions by start, violations by
 * recording, affiliate changes, appeals and review cases.
 */
export const createGovernanceStats = (deps: MerchantAccessDeps) => ({
  async getGovernanceStats(request: GetGovernanceStatsRequest): Promise<GetGovernanceStatsResponse> {
    const v = new Violations();
    const start = request.window?.startTime;
    const end = request.window?.endTime;
    v.check(start !== undefined, 'window.start_time', 'is required', 'REQUIRED');
    v.check(end !== undefined, 'window.end_time', 'is required', 'REQUIRED');
    if (start && end) v.check(start.getTime() < end.getTime(), 'window.end_time', 'must be after window.start_time', 'OUT_OF_RANGE');
    v.throwIfAny();
    const [row] = await deps.db.$queryRawUnsafe<StatsRow[]>(
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
      start,
      end,
    );
    if (!row) throw new Error('governance stats query returned no row');
    return {
      window: { startTime: start, endTime: end },
      applicationsReceived: BigInt(row.applications_received),
      applicationsApproved: BigInt(row.applications_approved),
      applicationsApprovedWithRestrictions: BigInt(row.applications_approved_with_restrictions),
      applicationsSentToReview: BigInt(row.applications_sent_to_review),
      highRiskApplicationsIntercepted: BigInt(row.high_risk_applications_intercepted),
      ringLinksIntercepted: BigInt(row.ring_links_intercepted),
      merchantsRemoved: BigInt(row.merchants_removed),
      zeroToleranceRemovals: BigInt(row.zero_tolerance_removals),
      depositsForfeitedFen: BigInt(row.deposits_forfeited_fen),
      violationsRecorded: BigInt(row.violations_recorded),
      listingRestrictionsImposed: BigInt(row.listing_restrictions_imposed),
      suspensionsImposed: BigInt(row.suspensions_imposed),
      affiliateClearances: BigInt(row.affiliate_clearances),
      affiliateReadmissions: BigInt(row.affiliate_readmissions),
      appealsFiled: BigInt(row.appeals_filed),
      appealsOverturned: BigInt(row.appeals_overturned),
      reviewCasesOpened: BigInt(row.review_cases_opened),
      reviewCasesSlaBreached: BigInt(row.review_cases_sla_breached),
    };
  },
});
