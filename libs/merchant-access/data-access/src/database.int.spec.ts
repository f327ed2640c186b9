import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSchemaWithDatabase } from '@govern/platform-db';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { connectMerchantAccessDatabase, MerchantAccessMigrations, type MerchantAccessDatabase } from './database';

describe('merchant-access database', () => {
  let db: TestDatabase;
  let conn: MerchantAccessDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MerchantAccessMigrations, prefix: 'merchant_access_schema' });
    conn = connectMerchantAccessDatabase({ connectionString: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('a fresh database migrates offline and agrees with the Prisma schema', async () => {
    expect(await compareSchemaWithDatabase(conn.client, conn.pool)).toEqual([]);
  });

  it('stores and reads back every model, money as bigint and lists as arrays', async () => {
    const client = conn.client;
    const at = new Date('2026-11-01T00:00:00.000Z');
    const policy = { policyName: 'merchant-onboarding', policyVersion: '2026-11-01.1' };
    await client.application.create({
      data: {
        id: 'app-1',
        status: 'APPROVED',
        companyName: '福州好物商贸有限公司',
        creditCodeMasked: '9135***********Y43',
        legalRepNameMasked: '林*',
        phoneMasked: '138****5678',
        bankAccountMasked: '**** 0128',
        regionCode: '350102',
        categoryCodes: ['general', 'food'],
        registeredCapitalFen: 5_000_000_000n,
        riskScore: 10,
        band: 'APPROVE',
        reasons: [{ code: 'MERCHANT.ONBOARDING.APPROVE', message: 'ok', evidence: {}, weight: 0 }],
        ringLinks: [],
        approvableCategoryCodes: ['general', 'food'],
        ...policy,
        submittedAt: at,
        decidedAt: at,
        closedAt: at,
        merchantId: 'm-1',
        identifiers: { create: [{ kind: 'BANK_ACCOUNT', hash: 'h-bank' }, { kind: 'DEVICE', hash: 'h-dev' }] },
      },
    });
    await client.merchant.create({
      data: {
        id: 'm-1',
        applicationId: 'app-1',
        companyName: '福州好物商贸有限公司',
        creditCodeMasked: '9135***********Y43',
        onboardingBand: 'APPROVE',
        listingQuota: 0,
        depositFen: 1_000_000n,
        approvedCategoryCodes: ['general', 'food'],
        affiliateEligible: true,
        onboardedAt: at,
        ringEntries: { create: [{ identifierKind: 'BANK_ACCOUNT', identifierHash: 'h-bank' }, { status: 'ACTIVE' }] },
      },
    });
    await client.violation.create({
      data: {
        id: 'v-1', merchantId: 'm-1', type: 'COUNTERFEIT', points: 0, zeroTolerance: true, occurredAt: at, recordedAt: at,
        expiresAt: at, appealDeadline: at, source: 'OPERATOR', sourceRef: '', productId: '', description: '', evidence: { lab: 'x' },
        reasons: [], policyName: 'merchant-violation-points', policyVersion: '2026-11-01.1',
      },
    });
    await client.sanction.create({
      data: {
        id: 's-1', merchantId: 'm-1', kind: 'REMOVED', startsAt: at, triggerPoints: 0, threshold: 0, zeroTolerance: true,
        triggerViolationId: 'v-1', violationIds: ['v-1'], depositForfeitedFen: 1_000_000n, reasons: [],
        policyName: 'merchant-violation-points', policyVersion: '2026-11-01.1',
      },
    });
    await client.reviewCase.create({
      data: { id: 'c-1', kind: 'APPEAL', status: 'OPEN', appealId: 'a-1', merchantId: 'm-1', reasons: [], openedAt: at, slaDueAt: at },
    });
    await client.appeal.create({
      data: {
        id: 'a-1', violationId: 'v-1', merchantId: 'm-1', status: 'PENDING', statement: 'not ours', evidenceRefs: ['file-1'],
        reviewCaseId: 'c-1', filedAt: at, liftedSanctionIds: [], reasons: [], policyName: 'merchant-review', policyVersion: '2026-11-01.1',
      },
    });
    await client.serviceMetricsReport.create({
      data: {
        eventId: 'e-1', merchantId: 'm-1', windowStart: at, windowEnd: at, orders: 100n, inStockOrdersDue: 90n, dispatchedWithin48h: 88n,
        lateDispatches: 2n, fakeShipments: 0n, afterSales: 5n, avgResponseMinutes: 4.5, disputes: 1n, disputesLost: 0n, complaints: 1n,
        qualityReturns: 1n, positiveReviews: 40n, negativeReviews: 2n, receivedAt: at,
      },
    });
    await client.storeExperienceScore.create({
      data: {
        merchantId: 'm-1', score: 4.62, productScore: 4.5, logisticsScore: 4.8, serviceScore: 4.7, neutral: false, orderCount: 100n,
        windowStart: at, windowEnd: at, components: [], policyName: 'store-experience-score', policyVersion: '2026-11-01.1', computedAt: at,
      },
    });
    await client.affiliateSweep.create({
      data: {
        id: 'sw-1', evaluatedAt: at, evaluatedCount: 1, clearedCount: 1, readmittedCount: 0, policyName: 'affiliate-programme',
        policyVersion: '2026-11-01.1', changes: { create: [{ merchantId: 'm-1', eligible: false, storeExperienceScore: 3.2, reasons: [], changedAt: at }] },
      },
    });

    const merchant = await client.merchant.findUniqueOrThrow({
      where: { id: 'm-1' },
      include: { application: { include: { identifiers: true } }, ringEntries: { orderBy: { seq: 'asc' } }, sanctions: true, appeals: true, score: true, metrics: true },
    });
    expect(merchant.depositFen).toBe(1_000_000n);
    expect(merchant.approvedCategoryCodes).toEqual(['general', 'food']);
    expect(merchant.application.registeredCapitalFen).toBe(5_000_000_000n);
    expect(merchant.application.identifiers.map((i) => i.kind).sort()).toEqual(['BANK_ACCOUNT', 'DEVICE']);
    expect(merchant.ringEntries.map((e) => [typeof e.seq, e.identifierKind, e.status])).toEqual([
      ['bigint', 'BANK_ACCOUNT', null],
      ['bigint', null, 'ACTIVE'],
    ]);
    expect(merchant.sanctions[0]?.depositForfeitedFen).toBe(1_000_000n);
    expect(merchant.appeals[0]?.evidenceRefs).toEqual(['file-1']);
    expect(merchant.score?.score).toBe(4.62);
    expect(merchant.metrics[0]?.avgResponseMinutes).toBe(4.5);
    expect(await client.affiliateChange.count({ where: { sweepId: 'sw-1', eligible: false } })).toBe(1);
  });
});
