import type { GetGovernanceStatsRequest, GetGovernanceStatsResponse, ProductQualityServiceImplementation } from '@govern/contracts-product-quality';
import { governanceStats } from '../use-cases/governance-stats';
import { banHandlers } from './ban.handlers';
import { brandIpHandlers } from './brand-ip.handlers';
import { type Call, checked, type HandlerKit, read } from './handler-kit';
import { inspectionHandlers } from './inspection.handlers';
import { listingHandlers } from './listing.handlers';
import { lotHandlers } from './lot.handlers';
import { RequestChecks } from './request-validation';

/** Every RPC of ProductQualityService: request checks and proto mapping here, rules in the use cases. */
export const productQualityHandlers = (kit: HandlerKit): ProductQualityServiceImplementation<Call> => ({
  ...listingHandlers(kit),
  ...banHandlers(kit),
  ...inspectionHandlers(kit),
  ...lotHandlers(kit),
  ...brandIpHandlers(kit),

  async getGovernanceStats(request: GetGovernanceStatsRequest, call: Call): Promise<GetGovernanceStatsResponse> {
    const checks = new RequestChecks();
    const start = request.window?.startTime;
    const end = request.window?.endTime;
    checks.check(start !== undefined, 'window.start_time', 'is required', 'REQUIRED');
    checks.check(end !== undefined, 'window.end_time', 'is required', 'REQUIRED');
    if (start && end) checks.check(start.getTime() < end.getTime(), 'window.end_time', 'must be after window.start_time', 'OUT_OF_RANGE');
    checks.throwIfAny();
    return read(kit, call, (tx) => governanceStats(tx, { start: checked(start), end: checked(end) }));
  },
});
