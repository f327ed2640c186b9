import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSchemaWithDatabase, isUniqueViolation } from '@govern/platform-db';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { connectProductQualityDatabase, ProductQualityMigrations, type ProductQualityDatabase } from './database';

const T = new Date('2026-11-10T08:00:00.000Z');

describe('product-quality database', () => {
  let db: TestDatabase;
  let conn: ProductQualityDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: ProductQualityMigrations, prefix: 'product_quality_schema' });
    conn = connectProductQualityDatabase({ connectionString: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('a fresh database migrates offline and agrees with the Prisma schema', async () => {
    expect(await compareSchemaWithDatabase(conn.client, conn.pool)).toEqual([]);
  });

  it('round-trips every model, money as bigint and reasons as JSON', async () => {
    const c = conn.client;
    await c.merchant.create({ data: { merchantId: 'M-1', standing: 'ACTIVE', approvedCategoryCodes: ['food'], listingQuota: 10, storeScore: 4.5, updatedAt: T } });
    await c.product.create({
      data: {
        productId: 'P-1', merchantId: 'M-1', skuId: 'S-1', categoryCode: 'food.snacks', title: '坚果礼盒', description: '每日坚果', brand: '', manufacturer: '某某食品',
        productionDate: T, batchNumber: 'B1', certificateCode: 'GB 19300', imageHashes: ['ab'], status: 'ACTIVE', qualityScore: 70, qualityTier: 'GOOD',
        orders: 9_000_000_000n, createdAt: T, updatedAt: T,
      },
    });
    await c.listing.create({
      data: { listingId: 'L-1', productId: 'P-1', merchantId: 'M-1', skuId: 'S-1', categoryCode: 'food.snacks', title: '坚果礼盒', titleFingerprint: 'tf1:x', titleShingles: ['坚果'], imageHashes: ['ab'], priceFen: 12_900n, lastEvaluationId: 'E-1', createdAt: T, updatedAt: T },
    });
    const reasons = [{ code: 'LISTING.CHECK_PASSED', message: 'ok', evidence: { check: 'THREE_NO' }, weight: 0 }];
    await c.listingEvaluation.create({
      data: { evaluationId: 'E-1', requestId: 'r-1', listingId: 'L-1', productId: 'P-1', merchantId: 'M-1', skuId: 'S-1', categoryCode: 'food.snacks', action: 'PUBLISH', decision: 'APPROVED', threeNo: false, zeroTolerance: false, reasons, reasonCodes: ['LISTING.CHECK_PASSED'], claimHits: [], titleFingerprint: 'tf1:x', policyName: 'listing-gate', policyVersion: 'v', decidedAt: T },
    });
    await c.qualityScoreRecord.create({ data: { scoreId: 'Q-1', productId: 'P-1', merchantId: 'M-1', score: 70, tier: 'GOOD', components: [], reasons, policyName: 'q', policyVersion: 'v', trigger: 'LISTING_APPROVED', computedAt: T } });
    await c.ban.create({ data: { banId: 'BAN-1', productId: 'P-1', merchantId: 'M-1', skuId: 'S-1', categoryCode: 'food.snacks', cause: 'MANUAL', status: 'ACTIVE', reasons, policyName: 'b', policyVersion: 'v', sourceRef: 'rev-1', actorId: 'rev-1', bannedAt: T } });
    await c.banAppeal.create({ data: { appealId: 'A-1', banId: 'BAN-1', merchantId: 'M-1', statement: 's', evidenceRefs: ['e'], status: 'PENDING', reasons: [], policyName: 'b', policyVersion: 'v', filedAt: T } });
    await c.bannedListingPrint.create({ data: { listingId: 'L-1', productId: 'P-1', banId: 'BAN-1', merchantId: 'M-1', title: '坚果礼盒', titleFingerprint: 'tf1:x', imageHashes: ['ab'] } });
    await c.bannedImageHash.create({ data: { imageHash: 'ab', listingId: 'L-1', productId: 'P-1' } });
    await c.bannedTitleShingle.create({ data: { shingle: '坚果', listingId: 'L-1', productId: 'P-1' } });
    await c.inspectionCampaign.create({ data: { campaignId: 'C-1', name: 'Q1', budgetFen: 10_000_000_000n, categoryCosts: [{ category_code: 'food', cost_fen: '20000' }], defaultCostFen: 0n, categoryCodes: [], status: 'DRAFT', createdAt: T } });
    await c.inspectionSample.create({ data: { sampleId: 'SMP-1', campaignId: 'C-1', ordinal: 0, productId: 'P-1', skuId: 'S-1', merchantId: 'M-1', categoryCode: 'food.snacks', costFen: 20_000n, basis: 'RISK_WEIGHTED', risk: 0.6, weight: 12.5, status: 'SELECTED' } });
    await c.labResult.create({ data: { resultId: 'R-1', campaignId: 'C-1', sampleId: 'SMP-1', productId: 'P-1', skuId: 'S-1', merchantId: 'M-1', categoryCode: 'food.snacks', verdict: 'FAIL', criticalDefects: 1, majorDefects: 0, minorDefects: 0, defects: [{ defect_class: 'CRITICAL', code: 'AFLATOXIN', description: '' }], severity: 'CRITICAL', reportRef: 'CNAS-1', labName: 'lab', testedAt: T, recordedAt: T } });
    await c.lotSwitchingState.create({ data: { merchantId: 'M-1', skuId: 'S-1', stage: 'NORMAL', normalRecent: [true, false], switchingScore: 2, tightenedConsecutiveAccepted: 0, tightenedRejected: 0, updatedAt: T } });
    await c.lotInspection.create({ data: { inspectionId: 'LI-1', lotId: 'LOT-1', merchantId: 'M-1', skuId: 'S-1', productId: 'P-1', lotSize: 1000n, inspectionLevel: 'II', severity: 'NORMAL', disposition: 'ACCEPTED', originalInspection: true, criticalFound: 0, majorFound: 1, minorFound: 2, sampleSizeInspected: 80, outcomes: [], stageBefore: 'NORMAL', stageAfter: 'NORMAL', reasons, policyName: 'a', policyVersion: 'v', inspectedAt: T } });
    await c.brand.create({ data: { brandId: 'BR-1', name: 'Thermos', nameKey: 'thermos', aliases: ['膳魔师'], matchKeys: ['thermos', '膳魔师'], ownerId: 'RH-1', trademarkNumber: 'TM-1', authorisationRequired: true, categoryCodes: ['home'], registeredAt: T } });
    await c.brandAuthorisation.create({ data: { authorisationId: 'AU-1', brandId: 'BR-1', merchantId: 'M-1', categoryCodes: [], validFrom: T, grantedAt: T } });
    await c.ipComplaint.create({ data: { complaintId: 'IPC-1', brandId: 'BR-1', complainantId: 'RH-1', productId: 'P-1', merchantId: 'M-1', kind: 'COUNTERFEIT', statement: 's', evidenceRefs: ['e'], status: 'TAKEN_DOWN', reasons, policyName: 'ip', policyVersion: 'v', filedAt: T } });

    const product = await c.product.findUniqueOrThrow({ where: { productId: 'P-1' }, include: { listings: true, bans: { include: { appeals: true } } } });
    expect(product.orders).toBe(9_000_000_000n);
    expect(product.listings[0]?.priceFen).toBe(12_900n);
    expect(product.bans[0]?.appeals[0]?.evidenceRefs).toEqual(['e']);
    expect((await c.listingEvaluation.findUniqueOrThrow({ where: { evaluationId: 'E-1' } })).reasons).toEqual(reasons);
    expect((await c.inspectionCampaign.findUniqueOrThrow({ where: { campaignId: 'C-1' } })).budgetFen).toBe(10_000_000_000n);
    expect((await c.lotSwitchingState.findUniqueOrThrow({ where: { merchantId_skuId: { merchantId: 'M-1', skuId: 'S-1' } } })).normalRecent).toEqual([true, false]);
    expect((await c.brand.findUniqueOrThrow({ where: { nameKey: 'thermos' } })).matchKeys).toEqual(['thermos', '膳魔师']);
  });

  it('keeps at most one ban in force per product, however many are lifted', async () => {
    const c = conn.client;
    const ban = { productId: 'P-1', merchantId: 'M-1', skuId: 'S-1', categoryCode: 'food.snacks', cause: 'MANUAL', reasons: [], policyName: 'b', policyVersion: 'v', sourceRef: 'x', actorId: 'x', bannedAt: T };
    const second = c.ban.create({ data: { ...ban, banId: 'BAN-2', status: 'ACTIVE' } });
    await expect(second).rejects.toSatisfy(isUniqueViolation);
    await c.ban.update({ where: { banId: 'BAN-1' }, data: { status: 'LIFTED', liftedAt: T } });
    await c.ban.create({ data: { ...ban, banId: 'BAN-3', status: 'UNDER_APPEAL' } });
    await c.ban.create({ data: { ...ban, banId: 'BAN-4', status: 'LIFTED' } });
    expect(await c.ban.count({ where: { productId: 'P-1', NOT: { status: 'LIFTED' } } })).toBe(1);
  });
});
