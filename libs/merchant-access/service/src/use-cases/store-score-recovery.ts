import { aggregateMetrics, STORE_EXPERIENCE_POLICY, storeScoreRecovery, type StoreScoreRecovery } from '@govern/merchant-access-domain';
import { loadStandings } from '../adapters/prisma-standing.repository';
import type { Db } from '../adapters/records';
import { requireMerchant } from './merchants';
import { reportOf } from './store-experience';

export interface StoreScoreRecoveryView {
  recovery: StoreScoreRecovery;
  window: { start: Date; end: Date };
  activePoints: number;
  nextPointsExpiryAt?: Date | undefined;
}

/**
 * What restores a merchant's store score (issue 16.5), from the same stored metrics the live
 * score was computed on: the window ends where the stored score's ends (the latest report), or
 * now for a store without one; the levers come from the domain's search over the score function.
 */
export const getStoreScoreRecovery = async (db: Db, merchantId: string, at: Date, target?: number): Promise<StoreScoreRecoveryView> => {
  await requireMerchant(db, merchantId);
  const [stored, standings] = await Promise.all([db.storeExperienceScore.findUnique({ where: { merchantId } }), loadStandings(db, [merchantId], at)]);
  const end = stored?.windowEnd ?? at;
  const start = new Date(end.getTime() - STORE_EXPERIENCE_POLICY.windowMs);
  const reports = await db.serviceMetricsReport.findMany({ where: { merchantId, windowEnd: { gt: start, lte: end } } });
  const totals = aggregateMetrics(reports.map(reportOf), end);
  const standing = standings.get(merchantId)?.standing;
  return {
    recovery: storeScoreRecovery(totals, end, target === undefined ? {} : { target }),
    window: { start, end },
    activePoints: standing?.activePoints ?? 0,
    nextPointsExpiryAt: standing?.nextPointsExpiryAt,
  };
};
