import { describe, expect, it } from 'vitest';
import { GetGovernanceStatsResponse as ContentStats } from '@govern/contracts-content';
import { GovernanceStats as ServiceStats } from '@govern/contracts-consumer-experience';
import { GetGovernanceStatsResponse as MerchantStats } from '@govern/contracts-merchant-access';
import { GetGovernanceStatsResponse as ProductStats } from '@govern/contracts-product-quality';
import { buildPlatformReport, renderReportTable } from './platform-report';

const window = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };

describe('platform report', () => {
  const report = buildPlatformReport(window, {
    content: ContentStats.fromPartial({ videosPunished: 12n, livestreamsPunished: 3n, livestreamsInterrupted: 2n, itemsBoosted: 40n }),
    products: ProductStats.fromPartial({ listingsIntercepted: 95n, threeNoIntercepted: 30n, productsBanned: 7n, inspectionsRun: 60n, inspectionsFailed: 4n }),
    merchants: MerchantStats.fromPartial({ highRiskApplicationsIntercepted: 84n, ringLinksIntercepted: 5n, merchantsRemoved: 2n, affiliateClearances: 28n }),
    service: ServiceStats.fromPartial({ fastRefundShare: 0.7, preDispatchFastRefundShare: 0.94, dispatchWithin48hRate: 0.875, compensationPaidFen: 123456n, complaints: 9n }),
  });

  it('prints shares as percentages and money in yuan', () => {
    const table = renderReportTable(report);
    expect(table).toMatch(/fast-refund share of pre-dispatch after-sales\s+94\.0%/);
    expect(table).toMatch(/orders dispatched within 48 h\s+87\.5%/);
    expect(table).toMatch(/compensation paid in advance\s+¥1,234\.56/);
  });
});
