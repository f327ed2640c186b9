import { policyRef, type ContentPolicy } from '@govern/content-domain';
import type { GetGovernanceStatsResponse } from '@govern/contracts-content';
import type { Sql } from '@govern/platform-db';
import { governanceFigures } from '../adapters/governance-stats.queries';

/** The content figures of the governance report for [start, end), with the policy they were decided under. */
export const governanceStats = async (db: Sql, policy: ContentPolicy, window: { start: Date; end: Date }): Promise<GetGovernanceStatsResponse> => ({
  window: { startTime: window.start, endTime: window.end },
  ...(await governanceFigures(db, window)),
  policy: policyRef(policy),
});
