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
  const line = (pillar: ReportLine['pillar'], figure: string, value: number, unit: ReportLine['unit'], source: string): ReportLine => ({
    pillar,
    figure,
    value,
    unit,
    source,
  });
  return {
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    lines: [
      line('content', 'violating videos punished', n(content.videosPunished), 'count', 'content'),
      line('content', 'violating livestreams punished', n(content.livestreamsPunished), 'count', 'content'),
      line('content', 'livestreams interrupted', n(content.livestreamsInterrupted), 'count', 'content'),
      line('content', 'quality items boosted', n(content.itemsBoosted), 'count', 'content'),
      line('products', 'violating listings intercepted', n(products.listingsIntercepted), 'count', 'product-quality'),
      line('products', '"three-no" listings intercepted', n(products.threeNoIntercepted), 'count', 'product-quality'),
      line('products', 'risky products banned', n(products.productsBanned), 'count', 'product-quality'),
      line('products', 'sampling inspections run', n(products.inspectionsRun), 'count', 'product-quality'),
      line('products', 'sampling inspections failed', n(products.inspectionsFailed), 'count', 'product-quality'),
      line('merchants', 'high-risk merchants intercepted at onboarding', n(merchants.highRiskApplicationsIntercepted), 'count', 'merchant-access'),
      line('merchants', 'ring links intercepted', n(merchants.ringLinksIntercepted), 'count', 'merchant-access'),
      line('merchants', 'merchants removed', n(merchants.merchantsRemoved), 'count', 'merchant-access'),
      line('merchants', 'affiliate programme clearances', n(merchants.affiliateClearances), 'count', 'merchant-access'),
      line('service', 'fast-refund share of after-sales', service.fastRefundShare, 'share', 'consumer-experience'),
      line('service', 'fast-refund share of pre-dispatch after-sales', service.preDispatchFastRefundShare, 'share', 'consumer-experience'),
      line('service', 'orders dispatched within 48 h', service.dispatchWithin48hRate, 'share', 'consumer-experience'),
      line('service', 'compensation paid in advance', n(service.compensationPaidFen) / 100, 'yuan', 'consumer-experience'),
      line('service', 'complaints', n(service.complaints), 'count', 'consumer-experience'),
      // Buyer care (issue 19): merchant service norms and new-buyer care.
      line('service', 'merchant service response rate', service.serviceNorms?.responseRate ?? 0, 'share', 'consumer-experience'),
      line('service', 'merchant service satisfaction', service.serviceNorms?.satisfactionRate ?? 0, 'share', 'consumer-experience'),
      line('service', 'new-buyer care cases opened', n(service.careCasesOpened), 'count', 'consumer-experience'),
      line('service', 'new-buyer care cases resolved', n(service.careCasesResolved), 'count', 'consumer-experience'),
      line('service', 'new-buyer satisfaction', service.newBuyerSatisfactionRate, 'share', 'consumer-experience'),
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
