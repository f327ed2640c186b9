import { ApplicationStatus, IdentifierKind, MerchantStatus, RiskBand, ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticIdentity } from '@govern/platform-testing';
import { applicationInput, hoursAgo, onboardMerchant, type OnboardedMerchant } from './marketplace';
import { cascadeClock, ma, platform, STEP_TIMEOUT_MS, useCascadePlatform } from './cascade-platform';

/**
 * Cascade 5 of DESIGN.md, end to end (see cascade-platform.ts): a removed merchant's bank account
 * in a new application is intercepted.
 */

useCascadePlatform();

describe("cascade 5: a removed merchant's bank account in a new application → intercepted", { timeout: STEP_TIMEOUT_MS }, () => {
  const clock = cascadeClock('cascade 5');
  let removed: OnboardedMerchant;

  beforeAll(async () => {
    removed = await onboardMerchant(platform, 500);
    const removal = await ma().recordViolation({
      requestId: 'c5-fraud',
      merchantId: removed.merchantId,
      type: ViolationType.VIOLATION_TYPE_FRAUD,
      source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
      sourceRef: 'case-c5-fraud',
      description: 'Orders taken for goods never shipped.',
    });
    expect(removal.removed).toBe(true);
    clock.trigger();
  }, 60_000);

  it('merchant-access: the ring graph links the removed merchant’s bank account', async () => {
    await clock.step('merchant-access links the bank account to a removed merchant', async () => {
      const links = await ma().checkIdentifierLinks({ identifiers: [{ kind: IdentifierKind.IDENTIFIER_KIND_BANK_ACCOUNT, value: syntheticIdentity(500).bankCard }] });
      return links.linkedToRemoved ? links : undefined;
    });
  });

  it('merchant-access: a new applicant with that bank account is rejected with the ring link as evidence', async () => {
    const company = '福州新起点贸易有限公司';
    const input = applicationInput(505, {
      companyName: company,
      bankAccount: { accountNumber: syntheticIdentity(500).bankCard, bankName: '中国工商银行', accountHolder: company },
    });
    const { application, merchant } = await clock.step('merchant-access intercepts the applicant', async () =>
      ma().submitApplication({ requestId: 'c5-reentry', application: input }),
    );
    expect(merchant).toBeUndefined();
    expect(application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_REJECTED);
    expect(application?.merchantId).toBe('');
    expect(application?.decision?.band).toBe(RiskBand.RISK_BAND_REJECT);
    const link = application?.decision?.ringLinks.find((l) => l.merchantId === removed.merchantId);
    expect(link?.merchantStatus).toBe(MerchantStatus.MERCHANT_STATUS_REMOVED);
    expect(link?.path.map((step) => step.identifierKind)).toEqual([IdentifierKind.IDENTIFIER_KIND_BANK_ACCOUNT]);
    const ring = application?.decision?.reasons.find((r) => r.code === 'MERCHANT.RISK.RING_REMOVED');
    expect(ring).toBeDefined();
    expect(JSON.stringify(ring?.evidence)).toContain(removed.merchantId);
    // The account number itself never comes back.
    expect(JSON.stringify(application, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(syntheticIdentity(500).bankCard);

    const stored = await ma().getApplication({ applicationId: application?.applicationId ?? '' });
    expect(stored.application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_REJECTED);
    const stats = await ma().getGovernanceStats({ window: { startTime: hoursAgo(1), endTime: new Date(Date.now() + 60_000) } });
    expect(stats.ringLinksIntercepted).toBeGreaterThanOrEqual(1n);
    clock.total();
  });
});
