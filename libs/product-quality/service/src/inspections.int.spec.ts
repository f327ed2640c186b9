import { describe, expect, it } from 'vitest';
import {
  BanCause,
  CampaignStatus,
  DefectClass,
  InspectionFailedEvent,
  LabVerdict,
  ListingDecision,
  LotDisposition,
  ProductBannedEvent,
  ProductQualityServiceDefinition,
  ProductStatus,
  QualityTier,
  SamplingSeverity,
  SampleStatus,
  SelectionBasis,
} from '@govern/contracts-product-quality';
import type { PrismaClient } from '@govern/product-quality-data-access';
import { readErrorDetails, type ServiceClient } from '@govern/platform-grpc';
import { type EventCollector, type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { listing, onboard, seedCatalogue, sentinel, unique, startProductQualityForTest } from './testing/fixtures';

describe('sampling inspection and lot acceptance over gRPC', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof ProductQualityServiceDefinition>;
  let events: EventCollector;

  useForSuite(() => startProductQualityForTest({ merchants: ['M-LAB'] }), (pq) => ({ sut, client, events } = pq));

  it('cascade 1: a critical lab failure bans the product and its same-SKU relisting, exactly one InspectionFailed and one ProductBanned each', async () => {
    const tested = listing({ merchantId: 'M-LAB', categoryCode: 'baby.toys', title: '儿童软胶洗澡玩具 小黄鸭 6只装' });
    const relisted = listing({ merchantId: 'M-LAB', skuId: tested.skuId, categoryCode: 'baby.toys', title: '宝宝戏水玩具 捏捏叫小鸭子 6个' });
    const unrelated = listing({ merchantId: 'M-LAB', categoryCode: 'baby.toys', title: '婴儿摇铃 牙胶 安抚玩具' });
    for (const l of [tested, relisted, unrelated]) {
      expect((await client.evaluateListing({ requestId: unique('r'), listing: l, action: 0 })).decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    }
    const request = {
      requestId: unique('r'),
      sampleId: '',
      productId: tested.productId,
      skuId: tested.skuId,
      verdict: LabVerdict.LAB_VERDICT_FAIL,
      defects: [
        { defectClass: DefectClass.DEFECT_CLASS_CRITICAL, code: 'PHTHALATES_OVER_LIMIT', description: 'DEHP 0.8% (limit 0.1%)' },
        { defectClass: DefectClass.DEFECT_CLASS_MINOR, code: 'LABEL_FONT', description: 'warning label too small' },
      ],
      reportRef: 'CNAS-L0001-2026-118',
      labName: 'Shanghai toy lab',
      testedAt: sut.clock.now(),
    };
    const res = await client.recordLabResult(request);
    expect(res.result).toMatchObject({ verdict: LabVerdict.LAB_VERDICT_FAIL, criticalDefects: 1, minorDefects: 1, severity: DefectClass.DEFECT_CLASS_CRITICAL });
    expect(res.bans.map((b) => b.productId).sort()).toEqual([tested.productId, relisted.productId].sort());
    expect(res.bans.every((b) => b.cause === BanCause.BAN_CAUSE_LAB_CRITICAL && b.sourceRef === res.result?.resultId && b.skuId === tested.skuId)).toBe(true);
    expect(res.reasons[0]?.evidence).toMatchObject({ report_ref: 'CNAS-L0001-2026-118', defect_codes: 'PHTHALATES_OVER_LIMIT' });
    expect(res.qualityScore).toMatchObject({ score: 0, tier: QualityTier.QUALITY_TIER_POOR, trigger: 'LAB_RESULT' });
    // The report's tier counts follow: the product is POOR from its lab result on, not before its listing.
    const tiers = await sut.db.$queryRawUnsafe<{ excellent: bigint; poor: bigint }[]>(
      `SELECT count(*) FILTER (WHERE quality_tier = 'EXCELLENT') AS excellent, count(*) FILTER (WHERE quality_tier = 'POOR') AS poor FROM products`,
    );
    const now = await client.getGovernanceStats({ window: { startTime: new Date(0), endTime: new Date('2100-01-01') } });
    expect({ excellent: now.excellentProducts, poor: now.poorProducts }).toEqual(tiers[0]);
    expect(now.poorProducts).toBeGreaterThanOrEqual(1n);
    const before = await client.getGovernanceStats({ window: { startTime: new Date(0), endTime: new Date(sut.clock.now().getTime() - 86_400_000) } });
    expect({ excellent: before.excellentProducts, poor: before.poorProducts }).toEqual({ excellent: 0n, poor: 0n });

    // The same request again: the same answer, no second result, ban or event.
    expect(await client.recordLabResult(request)).toEqual(res);
    const failed = await events.waitFor(InspectionFailedEvent, 1);
    await events.waitFor(ProductBannedEvent, 2);
    await sentinel(sut, client, events);
    expect(events.of(InspectionFailedEvent)).toHaveLength(1);
    expect(failed[0]).toMatchObject({ productId: tested.productId, resultId: res.result?.resultId, criticalDefects: 1, severity: DefectClass.DEFECT_CLASS_CRITICAL });
    const banned = events.of(ProductBannedEvent);
    expect(banned.map((b) => b.productId).sort()).toEqual([tested.productId, relisted.productId].sort());

    // Another failure of the banned product: recorded and published, but nothing is banned twice.
    const again = await client.recordLabResult({ ...request, requestId: unique('r'), reportRef: 'CNAS-L0001-2026-119' });
    expect(again.bans).toEqual([]);
    await events.waitFor(InspectionFailedEvent, 2);
    await sentinel(sut, client, events);
    expect(events.of(ProductBannedEvent)).toHaveLength(2);
    expect((await client.getProduct({ productId: unrelated.productId })).product?.status).toBe(ProductStatus.PRODUCT_STATUS_ACTIVE);
    const ban = await client.listBans({ pageSize: 10, pageToken: '', merchantId: 'M-LAB', productId: '', status: 0, cause: BanCause.BAN_CAUSE_LAB_CRITICAL });
    expect(ban.bans).toHaveLength(2);

    // The product's lab results, newest test first; the two share a tested_at, so the id breaks the tie across pages.
    const pages: string[][] = [];
    let pageToken = '';
    do {
      const page = await client.listLabResults({ productId: tested.productId, pageSize: 1, pageToken });
      pages.push(page.results.map((r) => r.resultId));
      pageToken = page.nextPageToken;
    } while (pageToken !== '' && pages.length < 5);
    expect(pages.flat()).toEqual([res.result?.resultId ?? '', again.result?.resultId ?? ''].sort().reverse());
    expect((await client.listLabResults({ productId: tested.productId, pageSize: 0, pageToken: '' })).results).toContainEqual(again.result);
    expect((await client.listLabResults({ productId: unrelated.productId, pageSize: 0, pageToken: '' })).results).toEqual([]);
    const noProduct = await client.listLabResults({ productId: '', pageSize: 0, pageToken: '' }).catch((e: unknown) => e);
    expect(readErrorDetails(noProduct)?.fieldViolations.map((v) => `${v.field}:${v.reason}`)).toEqual(['product_id:REQUIRED']);
  });

  it('rejects a lab result with bad fields, listing them all, and records nothing', async () => {
    const error = await client
      .recordLabResult({
        requestId: unique('r'),
        sampleId: '',
        productId: '',
        skuId: '',
        verdict: LabVerdict.LAB_VERDICT_FAIL,
        defects: [],
        reportRef: '',
        labName: '',
        testedAt: new Date(sut.clock.now().getTime() + 86_400_000),
      })
      .catch((e: unknown) => e);
    const details = readErrorDetails(error);
    expect(details?.codeName).toBe('INVALID_ARGUMENT');
    expect(details?.fieldViolations.map((v) => v.field).sort()).toEqual(['defects', 'product_id', 'report_ref', 'tested_at']);
    const stats = await client.getGovernanceStats({ window: { startTime: new Date(0), endTime: new Date('2100-01-01') } });
    expect(stats.inspectionsRun).toBe(2n);
  });

  it('plans a campaign within budget, risk-weighted with a random floor, the same plan for the same seed', async () => {
    await onboard(sut, 'M-CAT');
    await seedCatalogue(sut.db, 'M-CAT', 200);
    // Sales as consumer-experience reported them: the exposure half of risk x sales.
    await sut.db.$executeRawUnsafe(`UPDATE products SET orders = abs(hashtext(product_id)) % 500 WHERE merchant_id = 'M-CAT'`);
    const campaign = async () =>
      (
        await client.createInspectionCampaign({
          requestId: unique('r'),
          name: '2026 Q4 kitchenware',
          budgetFen: 2_000_000n,
          categoryCosts: [{ categoryCode: 'home', costFen: 50_000n }],
          defaultCostFen: 0n,
          categoryCodes: ['home'],
        })
      ).campaign?.campaignId ?? '';
    const first = await client.planInspectionCampaign({ requestId: unique('r'), campaignId: await campaign(), seed: 20261101 });
    const second = await client.planInspectionCampaign({ requestId: unique('r'), campaignId: await campaign(), seed: 20261101 });
    expect(first.campaign).toMatchObject({ status: CampaignStatus.CAMPAIGN_STATUS_PLANNED, seed: 20261101, sampleCount: 40, plannedCostFen: 2_000_000n });
    expect(first.samples.map((s) => s.productId)).toEqual(second.samples.map((s) => s.productId));
    expect(first.samples.some((s) => s.basis === SelectionBasis.SELECTION_BASIS_RANDOM_FLOOR)).toBe(true);
    expect(first.samples.some((s) => s.basis === SelectionBasis.SELECTION_BASIS_RISK_WEIGHTED)).toBe(true);
    expect(first.reasons.map((r) => r.code)).toEqual(['SAMPLING.RISK_WEIGHTED', 'SAMPLING.RANDOM_FLOOR', 'SAMPLING.ELIGIBILITY']);
    expect((await client.getInspectionCampaign({ campaignId: first.campaign?.campaignId ?? '' })).campaign?.planReasons).toEqual(first.reasons);
    const replanned = await client.planInspectionCampaign({ requestId: unique('r'), campaignId: first.campaign?.campaignId ?? '', seed: 1 }).catch((e: unknown) => e);
    expect(readErrorDetails(replanned)).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'CAMPAIGN.NOT_DRAFT' });

    const sample = first.samples[0];
    await client.recordLabResult({
      requestId: unique('r'),
      sampleId: sample?.sampleId ?? '',
      productId: '',
      skuId: '',
      verdict: LabVerdict.LAB_VERDICT_PASS,
      defects: [],
      reportRef: 'CNAS-OK-1',
      labName: 'lab',
      testedAt: sut.clock.now(),
    });
    const stored = await client.getInspectionCampaign({ campaignId: first.campaign?.campaignId ?? '' });
    expect(stored.samples.find((s) => s.sampleId === sample?.sampleId)?.status).toBe(SampleStatus.SAMPLE_STATUS_PASSED);
    const bad = await client
      .createInspectionCampaign({ requestId: '', name: '', budgetFen: -1n, categoryCosts: [{ categoryCode: 'home', costFen: 0n }], defaultCostFen: 0n, categoryCodes: [] })
      .catch((e: unknown) => e);
    expect(readErrorDetails(bad)?.fieldViolations.map((v) => v.field)).toEqual(['request_id', 'name', 'budget_fen', 'category_costs[0].cost_fen']);
  });

  it('plans incoming lots per ISO 2859-1 and keeps the switching state per merchant x SKU', async () => {
    const plan = await client.getLotSamplingPlan({ merchantId: 'M-LAB', skuId: 'SKU-LOT', lotSize: 1_000n, level: 0, aqlOverrides: [] });
    expect(plan).toMatchObject({ codeLetter: 'J', severity: SamplingSeverity.SAMPLING_SEVERITY_NORMAL });
    const major = plan.plans.find((p) => p.defectClass === DefectClass.DEFECT_CLASS_MAJOR);
    expect(major).toMatchObject({ sampleSize: 80, acceptanceNumber: 5, rejectionNumber: 6 });
    expect(plan.plans.find((p) => p.defectClass === DefectClass.DEFECT_CLASS_CRITICAL)).toMatchObject({ sampleSize: 80, acceptanceNumber: 0, rejectionNumber: 1 });

    // Lots arrive one after another; the history lists them newest first.
    const lot = (defects: number) => {
      sut.clock.advance(60_000);
      return {
        requestId: unique('r'),
        lotId: unique('LOT'),
        merchantId: 'M-LAB',
        skuId: 'SKU-LOT',
        productId: 'P-LOT',
        lotSize: 1_000n,
        level: 0,
        defectsFound: [{ defectClass: DefectClass.DEFECT_CLASS_MAJOR, count: defects }],
        sampleSizeInspected: 80,
        productionIrregular: false,
      };
    };
    const first = await client.recordLotInspection(lot(6));
    expect(first.disposition).toBe(LotDisposition.LOT_DISPOSITION_REJECTED);
    expect(first.stateAfter?.severity).toBe(SamplingSeverity.SAMPLING_SEVERITY_NORMAL);
    await client.recordLotInspection(lot(0));
    const second = await client.recordLotInspection(lot(9));
    expect(second.stateAfter?.severity).toBe(SamplingSeverity.SAMPLING_SEVERITY_TIGHTENED);
    expect(second.reasons.map((r) => r.code)).toContain('SAMPLING.NORMAL_TO_TIGHTENED');

    const tightened = await client.getLotSamplingPlan({ merchantId: 'M-LAB', skuId: 'SKU-LOT', lotSize: 1_000n, level: 0, aqlOverrides: [] });
    expect(tightened.severity).toBe(SamplingSeverity.SAMPLING_SEVERITY_TIGHTENED);
    expect(tightened.plans.find((p) => p.defectClass === DefectClass.DEFECT_CLASS_MAJOR)).toMatchObject({ sampleSize: 80, acceptanceNumber: 3, rejectionNumber: 4 });
    // Another SKU of the merchant is still on normal inspection.
    expect((await client.getLotSamplingPlan({ merchantId: 'M-LAB', skuId: 'SKU-OTHER', lotSize: 1_000n, level: 0, aqlOverrides: [] })).severity).toBe(
      SamplingSeverity.SAMPLING_SEVERITY_NORMAL,
    );
    const history = await client.listLotInspections({ pageSize: 2, pageToken: '', merchantId: 'M-LAB', skuId: 'SKU-LOT' });
    expect(history.inspections.map((i) => i.severityAfter)).toEqual([SamplingSeverity.SAMPLING_SEVERITY_TIGHTENED, SamplingSeverity.SAMPLING_SEVERITY_NORMAL]);
    expect(history.inspections[0]?.outcomes.find((o) => o.plan?.defectClass === DefectClass.DEFECT_CLASS_MAJOR)).toMatchObject({ defectsFound: 9, disposition: LotDisposition.LOT_DISPOSITION_REJECTED });
    const older = await client.listLotInspections({ pageSize: 2, pageToken: history.nextPageToken, merchantId: 'M-LAB', skuId: 'SKU-LOT' });
    expect(older.inspections).toHaveLength(1);
    expect(older.nextPageToken).toBe('');
    const tooSmall = await client.recordLotInspection({ ...lot(0), sampleSizeInspected: 50 }).catch((e: unknown) => e);
    expect(readErrorDetails(tooSmall)).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'SAMPLING.SAMPLE_TOO_SMALL' });
  });

  it('discontinues lot inspection after five rejections on tightened and resumes on a verified correction', async () => {
    const lot = () => ({
      requestId: unique('r'),
      lotId: unique('LOT'),
      merchantId: 'M-LAB',
      skuId: 'SKU-STOP',
      productId: 'P-STOP',
      lotSize: 500n,
      level: 0,
      defectsFound: [{ defectClass: DefectClass.DEFECT_CLASS_CRITICAL, count: 1 }],
      sampleSizeInspected: 80,
      productionIrregular: false,
    });
    for (let i = 0; i < 7; i++) await client.recordLotInspection(lot());
    const refused = await client.recordLotInspection(lot());
    expect(refused).toMatchObject({ disposition: LotDisposition.LOT_DISPOSITION_REJECTED, outcomes: [] });
    expect(refused.stateAfter?.severity).toBe(SamplingSeverity.SAMPLING_SEVERITY_DISCONTINUED);
    expect(refused.reasons[0]?.code).toBe('SAMPLING.INSPECTION_DISCONTINUED');
    const plan = await client.getLotSamplingPlan({ merchantId: 'M-LAB', skuId: 'SKU-STOP', lotSize: 500n, level: 0, aqlOverrides: [] });
    expect(plan).toMatchObject({ severity: SamplingSeverity.SAMPLING_SEVERITY_DISCONTINUED, plans: [] });
    const resumed = await client.resumeLotInspection({ requestId: unique('r'), merchantId: 'M-LAB', skuId: 'SKU-STOP', reviewerId: 'QA-1', note: 'new supplier of PVC' });
    expect(resumed.state?.severity).toBe(SamplingSeverity.SAMPLING_SEVERITY_TIGHTENED);
    const stats = await client.getGovernanceStats({ window: { startTime: new Date(0), endTime: new Date('2100-01-01') } });
    expect(stats.lotsRejected).toBeGreaterThanOrEqual(10n);
  });
});
