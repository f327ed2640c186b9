import type {
  GetGovernanceStatsRequest,
  GetGovernanceStatsResponse,
  GetMerchantServiceMetricsRequest,
  GetMerchantServiceMetricsResponse,
} from '@govern/contracts-consumer-experience';
import { METRICS_POLICY } from '@govern/consumer-experience-domain';
import { careFigures } from '../adapters/care.repository';
import { merchantNormFigures, platformNormFigures } from '../adapters/contacts.repository';
import { governanceFigures, merchantMetrics } from '../adapters/metrics.queries';
import { governanceStatsToProto, merchantMetricsToProto } from '../mapping/stats';
import { reportWindow } from '../use-cases/reports';
import { type Call, ConsumerExperienceChecks, type HandlerKit, read } from './handler-kit';

/**
 * A stats window must be one a report can mean: valid storable ends, end after start, a start
 * not ahead of our clock (figures of a window that has not begun are empty, and a caller asking
 * for one has a clock or a unit wrong), and at most the metrics policy's longest window.
 */
const windowOptions = (kit: HandlerKit) => ({ now: kit.deps.clock.now(), maxSpanMs: (kit.deps.metricsPolicy ?? METRICS_POLICY).maxWindowMs });

/** Service figures: one merchant's (the report window by default), and the governance report's over a window. */
export const statsHandlers = (kit: HandlerKit) => ({
  async getMerchantServiceMetrics(request: GetMerchantServiceMetricsRequest, call: Call): Promise<GetMerchantServiceMetricsResponse> {
    const now = kit.deps.clock.now();
    const checks = new ConsumerExperienceChecks();
    const { merchantId, window } = checks.done(
      {
        merchantId: checks.id('merchant_id', request.merchantId),
        window: request.window ? checks.window('window', request.window, windowOptions(kit)) : reportWindow(now),
      },
      'METRICS.INVALID',
    );
    const [metrics, norms] = await read(kit, call, (_tx, db) => Promise.all([merchantMetrics(db, merchantId, window, now), merchantNormFigures(db, merchantId, window, now)]));
    return { metrics: merchantMetricsToProto(metrics, norms) };
  },

  async getGovernanceStats(request: GetGovernanceStatsRequest, call: Call): Promise<GetGovernanceStatsResponse> {
    const checks = new ConsumerExperienceChecks();
    const { window } = checks.done({ window: checks.window('window', request.window, windowOptions(kit)) }, 'STATS.INVALID');
    const now = kit.deps.clock.now();
    const [stats, norms, care] = await read(kit, call, (_tx, db) => Promise.all([governanceFigures(db, window, now), platformNormFigures(db, window, now), careFigures(db, window)]));
    return {
      stats: governanceStatsToProto(stats, {
        norms: norms.norms,
        careCasesOpened: care.opened,
        careCasesResolved: care.resolved,
        careCasesResolvedByPlatform: care.resolvedByPlatform,
        newBuyerRatings: norms.newBuyerRatings,
        newBuyerSatisfied: norms.newBuyerSatisfied,
      }),
    };
  },
});
