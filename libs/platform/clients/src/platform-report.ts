import type { GetGovernanceStatsResponse as ContentStats } from '@govern/contracts-content';
import type { GovernanceStats as ServiceStats } from '@govern/contracts-consumer-experience';
import type { GetGovernanceStatsResponse as MerchantStats } from '@govern/contracts-merchant-access';
import type { GetGovernanceStatsResponse as ProductStats } from '@govern/contracts-product-quality';
import type { PlatformClients } from './platform-clients';

/**
 * The platform governance report in the source document's categories: good content,
 * good products, good service, and who may sell. Each figure says which service it
 * comes from, so a reader can check it against that service. `govern report` prints it and
 * the operator console charts it: both take their figures from here.
 */
export interface ReportLine {
  pillar: 'content' | 'products' | 'merchants' | 'service';
  figure: string;
  value: number;
  unit: 'count' | 'share' | 'yuan';
  source: string;
}

export interface PlatformReport {
  window: { from: string; to: string };
  lines: ReportLine[];
}

const n = (value: bigint | number | undefined): number => Number(value ?? 0);

export const buildPlatformReport = (
  window: { from: Date; to: Date },
  stats: { content: ContentStats; products: ProductStats; merchants: MerchantStats; service: ServiceStats },
): PlatformReport => {
  const { content, products, merchants, service } = stats;
  // A pillar's figures all come from one service: its source is named once.
  const pillar = (name: ReportLine['pillar'], source: string, figures: [figure: string, value: number, unit?: ReportLine['unit']][]): ReportLine[] =>
    figures.map(([figure, value, unit = 'count']) => ({ pillar: name, figure, value, unit, source }));
  return {
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    lines: [
      ...pillar('content', 'content', [
        ['violating videos punished', n(content.videosPunished)],
        ['violating livestreams punished', n(content.livestreamsPunished)],
        ['livestreams interrupted', n(content.livestreamsInterrupted)],
        ['quality items boosted', n(content.itemsBoosted)],
      ]),
      ...pillar('products', 'product-quality', [
        ['violating listings intercepted', n(products.listingsIntercepted)],
        ['"three-no" listings intercepted', n(products.threeNoIntercepted)],
        ['risky products banned', n(products.productsBanned)],
        ['sampling inspections run', n(products.inspectionsRun)],
        ['sampling inspections failed', n(products.inspectionsFailed)],
      ]),
      ...pillar('merchants', 'merchant-access', [
        ['high-risk merchants intercepted at onboarding', n(merchants.highRiskApplicationsIntercepted)],
        ['ring links intercepted', n(merchants.ringLinksIntercepted)],
        ['merchants removed', n(merchants.merchantsRemoved)],
        ['affiliate programme clearances', n(merchants.affiliateClearances)],
      ]),
      ...pillar('service', 'consumer-experience', [
        ['fast-refund share of after-sales', service.fastRefundShare, 'share'],
        ['fast-refund share of pre-dispatch after-sales', service.preDispatchFastRefundShare, 'share'],
        ['orders dispatched within 48 h', service.dispatchWithin48hRate, 'share'],
        ['compensation paid in advance', n(service.compensationPaidFen) / 100, 'yuan'],
        ['complaints', n(service.complaints)],
        // Buyer care (issue 19): merchant service norms and new-buyer care.
        ['merchant service response rate', service.serviceNorms?.responseRate ?? 0, 'share'],
        ['merchant service satisfaction', service.serviceNorms?.satisfactionRate ?? 0, 'share'],
        ['new-buyer care cases opened', n(service.careCasesOpened)],
        ['new-buyer care cases resolved', n(service.careCasesResolved)],
        ['new-buyer satisfaction', service.newBuyerSatisfactionRate, 'share'],
      ]),
    ],
  };
};

/** The four services' clients: the CLI's own, or the console's, which carry the operator's token. */
export type ReportClients = Pick<PlatformClients, 'content' | 'productQuality' | 'merchantAccess' | 'consumerExperience'>;

export const fetchPlatformReport = async (clients: ReportClients, window: { from: Date; to: Date }): Promise<PlatformReport> => {
  const request = { window: { startTime: window.from, endTime: window.to } };
  const [content, products, merchants, service] = await Promise.all([
    clients.content.getGovernanceStats(request),
    clients.productQuality.getGovernanceStats(request),
    clients.merchantAccess.getGovernanceStats(request),
    clients.consumerExperience.getGovernanceStats(request),
  ]);
  if (!service.stats) throw new Error('consumer-experience returned no stats');
  return buildPlatformReport(window, { content, products, merchants, service: service.stats });
};
