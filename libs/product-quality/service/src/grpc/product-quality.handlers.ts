import type { GetGovernanceStatsRequest, GetGovernanceStatsResponse, ProductQualityServiceImplementation } from '@govern/contracts-product-quality';
import { RequestChecks } from '@govern/platform-grpc';
import { governanceStats } from '../adapters/governance-stats.queries';
import { banHandlers } from './ban.handlers';
import { brandIpHandlers } from './brand-ip.handlers';
import { type Call, type HandlerContext, read } from './handler-kit';
import { inspectionHandlers } from './inspection.handlers';
import { listingHandlers } from './listing.handlers';
import { lotHandlers } from './lot.handlers';

/** Every RPC of ProductQualityService: request checks and proto mapping here, rules in the use cases. */
export const productQualityHandlers = (context: HandlerContext): ProductQualityServiceImplementation<Call> => ({
  ...listingHandlers(context),
  ...banHandlers(context),
  ...inspectionHandlers(context),
  ...lotHandlers(context),
  ...brandIpHandlers(context),

  async getGovernanceStats(request: GetGovernanceStatsRequest, call: Call): Promise<GetGovernanceStatsResponse> {
    const checks = new RequestChecks();
    const { window } = checks.done({ window: checks.window('window', request.window) });
    const figures = await read(context, call, (tx) => governanceStats(tx, window));
    return { ...figures, window: { startTime: figures.window.start, endTime: figures.window.end } };
  },
});
