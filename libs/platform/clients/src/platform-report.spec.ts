import { describe, expect, it } from 'vitest';
import { GetGovernanceStatsResponse as ContentStats } from '@govern/contracts-content';
import { GovernanceStats as ServiceStats } from '@govern/contracts-consumer-experience';
import { GetGovernanceStatsResponse as MerchantStats } from '@govern/contracts-merchant-access';
import { GetGovernanceStatsResponse as ProductStats } from '@govern/contracts-product-quality';
import { buildPlatformReport } from './platform-report';

const window = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };

describe('platform report', () => {
  const report = buildPlatformReport(window, {
    content: ContentStats.fromPartial({ videosPunished: 12n, livestreamsPunished: 3n, livestreamsInterrupted: 2n, itemsBoosted: 40n }),
    products: ProductStats.fromPartial({ listingsIntercepted: 95n, threeNoIntercepted: 30n, productsBanned: 7n, inspectionsRun: 60n, inspectionsFailed: 4n }),
    merchants: MerchantStats.fromPartial({ highRiskApplicationsIntercepted: 84n, ringLinksIntercepted: 5n, merchantsRemoved: 2n, affiliateClearances: 28n }),
    service: ServiceStats.fromPartial({
      fastRefundShare: 0.7,
      preDispatchFastRefundShare: 0.94,
      dispatchWithin48hRate: 0.875,
      compensationPaidFen: 123456n,
      complaints: 9n,
      serviceNorms: { responseRate: 0.9, satisfactionRate: 0.85 },
      careCasesOpened: 6n,
      careCasesResolved: 4n,
      newBuyerSatisfactionRate: 0.97,
    }),
  });

  it('takes each figure from the service that owns it, in the source document’s categories', () => {
    const value = (figure: string) => report.lines.find((l) => l.figure === figure)?.value;
    expect(value('violating videos punished')).toBe(12);
    expect(value('high-risk merchants intercepted at onboarding')).toBe(84);
    expect(value('risky products banned')).toBe(7);
    expect(value('compensation paid in advance')).toBe(1234.56);
    expect(value('merchant service response rate')).toBe(0.9);
    expect(value('merchant service satisfaction')).toBe(0.85);
    expect(value('new-buyer care cases opened')).toBe(6);
    expect(value('new-buyer care cases resolved')).toBe(4);
    expect(value('new-buyer satisfaction')).toBe(0.97);
    expect(new Set(report.lines.map((l) => l.pillar))).toEqual(new Set(['content', 'products', 'merchants', 'service']));
  });
});
