import type { ProductQualityTx } from '@govern/product-quality-data-access';
import { qualityTiersAt } from './quality-tier-counts.queries';

export interface KeyCount {
  key: string;
  count: bigint;
}

/** The product pillar of the platform report over a window: counts and sums in fen. */
export interface GovernanceFigures {
  window: { start: Date; end: Date };
  listingsEvaluated: bigint;
  listingsIntercepted: bigint;
  threeNoIntercepted: bigint;
  interceptedByReason: KeyCount[];
  productsBanned: bigint;
  bannedByCause: KeyCount[];
  productsUnbanned: bigint;
  banAppealsFiled: bigint;
  banAppealsOverturned: bigint;
  inspectionCampaigns: bigint;
  inspectionBudgetFen: bigint;
  inspectionSpentFen: bigint;
  inspectionsRun: bigint;
  inspectionsFailed: bigint;
  inspectionsFailedCritical: bigint;
  lotsInspected: bigint;
  lotsRejected: bigint;
  ipComplaints: bigint;
  ipTakedowns: bigint;
  ipRestored: bigint;
  excellentProducts: bigint;
  poorProducts: bigint;
}

/**
 * The product pillar of the platform report for [start, end), computed from the tables in a
 * few aggregate queries (each over an indexed time column).
 */
export const governanceStats = async (tx: ProductQualityTx, window: { start: Date; end: Date }): Promise<GovernanceFigures> => {
  const { start, end } = window;
  const [listings] = await tx.$queryRawUnsafe<{ evaluated: bigint; intercepted: bigint; three_no: bigint }[]>(
    `SELECT count(*) AS evaluated,
            count(*) FILTER (WHERE decision = 'REJECTED') AS intercepted,
            count(*) FILTER (WHERE decision = 'REJECTED' AND three_no) AS three_no
       FROM listing_evaluations WHERE decided_at >= $1 AND decided_at < $2`,
    start,
    end,
  );
  const byReason = await tx.$queryRawUnsafe<{ key: string; count: bigint }[]>(
    `SELECT c.code AS key, count(*) AS count
       FROM listing_evaluations e CROSS JOIN LATERAL jsonb_array_elements_text(e.reason_codes) AS c(code)
      WHERE e.decided_at >= $1 AND e.decided_at < $2 AND e.decision = 'REJECTED'
      GROUP BY c.code ORDER BY count DESC, c.code`,
    start,
    end,
  );
  const byCause = await tx.$queryRawUnsafe<{ key: string; count: bigint }[]>(
    `SELECT cause AS key, count(*) AS count FROM bans WHERE banned_at >= $1 AND banned_at < $2 GROUP BY cause ORDER BY count DESC, cause`,
    start,
    end,
  );
  const [figures] = await tx.$queryRawUnsafe<Record<string, bigint>[]>(
    `SELECT
       (SELECT count(*) FROM bans WHERE lifted_at >= $1 AND lifted_at < $2) AS products_unbanned,
       (SELECT count(*) FROM ban_appeals WHERE filed_at >= $1 AND filed_at < $2) AS ban_appeals_filed,
       (SELECT count(*) FROM ban_appeals WHERE decided_at >= $1 AND decided_at < $2 AND status = 'OVERTURNED') AS ban_appeals_overturned,
       (SELECT count(*) FROM inspection_campaigns WHERE created_at >= $1 AND created_at < $2) AS inspection_campaigns,
       (SELECT COALESCE(sum(budget_fen), 0)::bigint FROM inspection_campaigns WHERE created_at >= $1 AND created_at < $2) AS inspection_budget_fen,
       (SELECT COALESCE(sum(planned_cost_fen), 0)::bigint FROM inspection_campaigns WHERE planned_at >= $1 AND planned_at < $2) AS inspection_spent_fen,
       (SELECT count(*) FROM lab_results WHERE recorded_at >= $1 AND recorded_at < $2) AS inspections_run,
       (SELECT count(*) FROM lab_results WHERE recorded_at >= $1 AND recorded_at < $2 AND verdict = 'FAIL') AS inspections_failed,
       (SELECT count(*) FROM lab_results WHERE recorded_at >= $1 AND recorded_at < $2 AND verdict = 'FAIL' AND critical_defects > 0) AS inspections_failed_critical,
       (SELECT count(*) FROM lot_inspections WHERE inspected_at >= $1 AND inspected_at < $2) AS lots_inspected,
       (SELECT count(*) FROM lot_inspections WHERE inspected_at >= $1 AND inspected_at < $2 AND disposition = 'REJECTED') AS lots_rejected,
       (SELECT count(*) FROM ip_complaints WHERE filed_at >= $1 AND filed_at < $2) AS ip_complaints,
       (SELECT count(*) FROM ip_complaints WHERE filed_at >= $1 AND filed_at < $2 AND status <> 'REJECTED') AS ip_takedowns,
       (SELECT count(*) FROM ip_complaints WHERE decided_at >= $1 AND decided_at < $2 AND status = 'RESTORED') AS ip_restored`,
    start,
    end,
  );
  // Tiers at the end of the window: what the products' scores had moved them to by then.
  const tiers = await qualityTiersAt(tx, end);
  const f = (key: string): bigint => BigInt(figures?.[key] ?? 0n);
  return {
    window: { start, end },
    listingsEvaluated: BigInt(listings?.evaluated ?? 0n),
    listingsIntercepted: BigInt(listings?.intercepted ?? 0n),
    threeNoIntercepted: BigInt(listings?.three_no ?? 0n),
    interceptedByReason: byReason.map((r) => ({ key: r.key, count: BigInt(r.count) })),
    productsBanned: byCause.reduce((sum, r) => sum + BigInt(r.count), 0n),
    bannedByCause: byCause.map((r) => ({ key: r.key, count: BigInt(r.count) })),
    productsUnbanned: f('products_unbanned'),
    banAppealsFiled: f('ban_appeals_filed'),
    banAppealsOverturned: f('ban_appeals_overturned'),
    inspectionCampaigns: f('inspection_campaigns'),
    inspectionBudgetFen: f('inspection_budget_fen'),
    inspectionSpentFen: f('inspection_spent_fen'),
    inspectionsRun: f('inspections_run'),
    inspectionsFailed: f('inspections_failed'),
    inspectionsFailedCritical: f('inspections_failed_critical'),
    lotsInspected: f('lots_inspected'),
    lotsRejected: f('lots_rejected'),
    ipComplaints: f('ip_complaints'),
    ipTakedowns: f('ip_takedowns'),
    ipRestored: f('ip_restored'),
    excellentProducts: tiers.excellent,
    poorProducts: tiers.poor,
  };
};
