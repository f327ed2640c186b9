import type { ContentServiceImplementation, GetGovernanceStatsRequest, GetGovernanceStatsResponse } from '@govern/contracts-content';
import type { GrpcCallContextExt } from '@govern/platform-grpc';
import { sqlOverPrisma } from '@govern/platform-db';
import { governanceStats } from '../use-cases/governance-stats';
import { appealHandlers } from './appeals.handlers';
import { contentChecks } from './content-checks';
import { contentItemHandlers } from './content-items.handlers';
import { creatorCreditHandlers } from './creator-credit.handlers';
import { read, type Call, type ContentHandlerDeps } from './handler-kit';
import { livestreamHandlers } from './livestream.handlers';

export type { ContentHandlerDeps } from './handler-kit';

/** Every RPC of ContentService: request checks and proto mapping in the handlers, rules in the use cases. */
export const createContentHandlers = (kit: ContentHandlerDeps): ContentServiceImplementation<GrpcCallContextExt> => ({
  ...contentItemHandlers(kit),
  ...livestreamHandlers(kit),
  ...creatorCreditHandlers(kit),
  ...appealHandlers(kit),

  async getGovernanceStats(request: GetGovernanceStatsRequest, call: Call): Promise<GetGovernanceStatsResponse> {
    const { deps } = kit;
    const checks = contentChecks(deps.policy);
    // Both ends storable and valid, end after start; a window starting ahead of our clock counts
    // nothing yet: a caller's mistake, said so. An end in the future is a report in progress, and no
    // span bound is set on purpose: a window is read-only counting over indexed times, and a year's
    // report is as legitimate as an hour's (issue 11 item 7, plausibility of stats windows).
    const { window } = checks.done({ window: checks.window('window', request.window, { now: deps.clock.now() }) }, 'STATS.INVALID_WINDOW');
    return read(kit, call, (tx) => governanceStats(sqlOverPrisma(tx), deps.policy, window));
  },
});
