import { describe, expect, it } from 'vitest';
import {
  AppealOutcome,
  AppealStatus,
  BanCause,
  BanStatus,
  IpComplaintKind,
  IpComplaintOutcome,
  IpComplaintStatus,
  ListingDecision,
  ProductBannedEvent,
  ProductQualityServiceDefinition,
  ProductStatus,
  ProductUnbannedEvent,
  UnbanCause,
} from '@govern/contracts-product-quality';
import type { PrismaClient } from '@govern/product-quality-data-access';
import { readErrorDetails, type ServiceClient } from '@govern/platform-grpc';
import { type EventCollector, type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { DAY } from '@govern/policy-core';
import { listing, unique, startProductQualityForTest } from './testing/fixtures';

describe('bans, appeals and IP complaints over gRPC', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof ProductQualityServiceDefinition>;
  let events: EventCollector;
  const start = new Date('2026-11-01T00:00:00Z');

  const publish = async (merchantId: string, over: Parameters<typeof listing>[0] = {}) => {
    const l = listing({ merchantId, ...over });
    expect((await client.evaluateListing({ requestId: unique('r'), listing: l, action: 0 })).decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    return l;
  };

  useForSuite(() => startProductQualityForTest({ merchants: ['M-B'] }), (pq) => ({ sut, client, events } = pq));

  it('bans by a reviewer with evidence (and the same SKU), then an overturned appeal lifts the ban', async () => {
    const product = await publish('M-B');
    const sibling = await publish('M-B', { skuId: product.skuId, title: '不锈钢保温壶 1.5L 家用' });
    const banned = await client.banProduct({
      requestId: unique('r'),
      productId: product.productId,
      cause: BanCause.BAN_CAUSE_MANUAL,
      actorId: 'RV-7',
      message: 'Counterfeit certificate number',
      evidence: { certificate_check: 'CQC-query-2026-11-02' },
      includeSameSku: true,
    });
    expect(banned.ban).toMatchObject({ productId: product.productId, status: BanStatus.BAN_STATUS_ACTIVE, cause: BanCause.BAN_CAUSE_MANUAL });
    expect(banned.ban?.reasons[0]?.evidence).toMatchObject({ certificate_check: 'CQC-query-2026-11-02', actor_id: 'RV-7' });
    expect(banned.relatedBans.map((b) => b.productId)).toEqual([sibling.productId]);
    const twice = await client.banProduct({ requestId: unique('r'), productId: product.productId, cause: 0, actorId: 'RV-7', message: 'again', evidence: {}, includeSameSku: false }).catch((e: unknown) => e);
    expect(readErrorDetails(twice)).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'PRODUCT.ALREADY_BANNED' });

    const banId = banned.ban?.banId ?? '';
    const stranger = await client.fileBanAppeal({ requestId: unique('r'), banId, merchantId: 'M-X', statement: 'not us', evidenceRefs: [] }).catch((e: unknown) => e);
    expect(readErrorDetails(stranger)).toMatchObject({ codeName: 'PERMISSION_DENIED', reason: 'BAN.APPEAL_NOT_OWNER' });
    const appeal = await client.fileBanAppeal({ requestId: unique('r'), banId, merchantId: 'M-B', statement: 'The certificate is genuine: CQC confirms it', evidenceRefs: ['cqc-letter-1'] });
    expect(appeal.ban?.status).toBe(BanStatus.BAN_STATUS_UNDER_APPEAL);
    // The review queue: PENDING appeals oldest filed first, one page at a time; this one among them.
    const pendingIds = async () => {
      const ids: string[] = [];
      let pageToken = '';
      do {
        const page = await client.listBanAppeals({ status: AppealStatus.APPEAL_STATUS_PENDING, merchantId: '', pageSize: 1, pageToken });
        expect(page.appeals.every((a) => a.status === AppealStatus.APPEAL_STATUS_PENDING)).toBe(true);
        ids.push(...page.appeals.map((a) => a.appealId));
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      return ids;
    };
    expect(await pendingIds()).toContain(appeal.appeal?.appealId);
    expect((await client.listBanAppeals({ status: 0, merchantId: 'M-B', pageSize: 0, pageToken: '' })).appeals).toContainEqual(appeal.appeal);
    const decided = await client.decideBanAppeal({ requestId: unique('r'), appealId: appeal.appeal?.appealId ?? '', outcome: AppealOutcome.APPEAL_OUTCOME_OVERTURN, reviewerId: 'RV-9', note: 'confirmed' });
    expect(decided.appeal?.status).toBe(AppealStatus.APPEAL_STATUS_OVERTURNED);
    expect(await pendingIds()).not.toContain(appeal.appeal?.appealId);
    const badList = await client.listBanAppeals({ status: 99 as AppealStatus, merchantId: '', pageSize: -1, pageToken: 'garbage' }).catch((e: unknown) => e);
    expect(readErrorDetails(badList)?.fieldViolations.map((v) => `${v.field}:${v.reason}`).sort()).toEqual(['page_size:OUT_OF_RANGE', 'page_token:INVALID_PAGE_TOKEN', 'status:UNKNOWN_ENUM_VALUE']);
    expect(decided.ban).toMatchObject({ status: BanStatus.BAN_STATUS_LIFTED, unbanCause: UnbanCause.UNBAN_CAUSE_APPEAL_OVERTURNED, appealId: appeal.appeal?.appealId });
    const stored = await client.getBanAppeal({ appealId: appeal.appeal?.appealId ?? '' });
    expect(stored.appeal).toMatchObject({ status: AppealStatus.APPEAL_STATUS_OVERTURNED, reviewerId: 'RV-9', policy: { name: 'product-bans' } });
    expect(stored.appeal?.reasons[0]?.code).toBe('BAN.APPEAL_OVERTURNED');
    expect((await client.getProduct({ productId: product.productId })).product?.status).toBe(ProductStatus.PRODUCT_STATUS_ACTIVE);
    const unbanned = await events.waitFor(ProductUnbannedEvent, 1);
    expect(unbanned[0]).toMatchObject({ productId: product.productId, banId, cause: UnbanCause.UNBAN_CAUSE_APPEAL_OVERTURNED });

    // A lifted ban no longer blocks the product's own listings; the sibling is still banned and its re-upload is caught.
    expect((await client.evaluateListing({ requestId: unique('r'), listing: { ...product, priceFen: 5_500n }, action: 2 })).decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    const reupload = await client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId: 'M-B', title: `${sibling.title}！`, imageHashes: [] }), action: 0 });
    expect(reupload.reasons.find((r) => r.code === 'LISTING.BANNED_RE_UPLOAD')?.evidence).toMatchObject({ banned_product_id: sibling.productId, match: 'title_fingerprint' });
    const manualUnban = await client.unbanProduct({ requestId: unique('r'), productId: sibling.productId, actorId: 'RV-9', message: 'same outcome as the appeal' });
    expect(manualUnban.ban?.unbanCause).toBe(UnbanCause.UNBAN_CAUSE_MANUAL);
  });

  it('takes a product down on its brand owner\'s complaint and restores it when the owner does not escalate in time', async () => {
    const brand = await client.registerBrand({
      requestId: unique('r'),
      name: 'ZOJIRUSHI',
      aliases: ['象印'],
      ownerId: 'RH-ZOJI',
      trademarkNumber: 'TM-7654321',
      authorisationRequired: false,
      categoryCodes: ['home'],
      expiresAt: undefined,
    });
    const brandId = brand.brand?.brandId ?? '';
    const product = await publish('M-B');
    const complaint = (complainantId: string) => ({
      requestId: unique('r'),
      brandId,
      complainantId,
      productId: product.productId,
      kind: IpComplaintKind.IP_COMPLAINT_KIND_COUNTERFEIT,
      statement: 'Test purchase shows a counterfeit of our flask',
      evidenceRefs: ['test-purchase-88'],
    });
    const rejected = await client.fileIpComplaint(complaint('SOMEONE'));
    expect(rejected.complaint?.status).toBe(IpComplaintStatus.IP_COMPLAINT_STATUS_REJECTED);
    expect(rejected.complaint?.reasons.map((r) => r.code)).toEqual(['IP.NOT_BRAND_OWNER']);
    expect(rejected.ban).toBeUndefined();

    const taken = await client.fileIpComplaint(complaint('RH-ZOJI'));
    expect(taken.complaint?.status).toBe(IpComplaintStatus.IP_COMPLAINT_STATUS_TAKEN_DOWN);
    expect(taken.ban).toMatchObject({ cause: BanCause.BAN_CAUSE_IP_TAKEDOWN, sourceRef: taken.complaint?.complaintId });
    await expect.poll(() => events.of(ProductBannedEvent).some((e) => e.productId === product.productId && e.cause === BanCause.BAN_CAUSE_IP_TAKEDOWN)).toBe(true);

    const complaintId = taken.complaint?.complaintId ?? '';
    // Taken down: the merchant may counter-notify for 30 days from the takedown.
    expect(taken.complaint?.counterNoticeDueAt).toEqual(new Date((taken.complaint?.filedAt?.getTime() ?? 0) + 30 * DAY));
    const takenDown = await client.listIpComplaints({ status: IpComplaintStatus.IP_COMPLAINT_STATUS_TAKEN_DOWN, merchantId: 'M-B', brandId: '', pageSize: 0, pageToken: '' });
    expect(takenDown.complaints).toContainEqual(taken.complaint);
    const noticed = await client.fileCounterNotice({ requestId: unique('r'), complaintId, merchantId: 'M-B', statement: 'Bought from the brand\'s distributor', evidenceRefs: ['invoice-1'] });
    expect(noticed.complaint?.status).toBe(IpComplaintStatus.IP_COMPLAINT_STATUS_COUNTER_NOTICED);
    expect(noticed.complaint?.restoreDueAt).toEqual(new Date(start.getTime() + 15 * DAY));

    sut.clock.advance(14 * DAY);
    expect(await sut.runDueJobs()).toBe(0);
    sut.clock.advance(1 * DAY);
    expect(await sut.runDueJobs()).toBe(1);
    const restored = await client.getIpComplaint({ complaintId });
    expect(restored.complaint?.status).toBe(IpComplaintStatus.IP_COMPLAINT_STATUS_RESTORED);
    expect(restored.complaint?.reasons[0]?.code).toBe('IP.OWNER_DID_NOT_ESCALATE');
    expect((await client.getProduct({ productId: product.productId })).product?.status).toBe(ProductStatus.PRODUCT_STATUS_ACTIVE);
    await expect.poll(() => events.of(ProductUnbannedEvent).some((e) => e.productId === product.productId && e.cause === UnbanCause.UNBAN_CAUSE_IP_RESTORED)).toBe(true);
  });

  it('keeps the takedown past the deadline once the owner escalates, until a reviewer upholds it', async () => {
    const brand = await client.registerBrand({
      requestId: unique('r'),
      name: 'Tiger 虎牌',
      aliases: [],
      ownerId: 'RH-TIGER',
      trademarkNumber: 'TM-1111',
      authorisationRequired: false,
      categoryCodes: [],
      expiresAt: undefined,
    });
    const product = await publish('M-B');
    const taken = await client.fileIpComplaint({
      requestId: unique('r'),
      brandId: brand.brand?.brandId ?? '',
      complainantId: 'RH-TIGER',
      productId: product.productId,
      kind: IpComplaintKind.IP_COMPLAINT_KIND_TRADEMARK,
      statement: 'Uses our trademark',
      evidenceRefs: ['screenshot-1'],
    });
    const complaintId = taken.complaint?.complaintId ?? '';
    await client.fileCounterNotice({ requestId: unique('r'), complaintId, merchantId: 'M-B', statement: 'Descriptive use only', evidenceRefs: ['doc-2'] });
    const escalated = await client.escalateIpComplaint({ requestId: unique('r'), complaintId, ownerId: 'RH-TIGER', statement: 'Lawsuit filed', evidenceRefs: ['court-case-2026-118'] });
    expect(escalated.complaint?.escalatedAt).toBeDefined();
    sut.clock.advance(30 * DAY);
    expect(await sut.runDueJobs()).toBe(0);
    expect((await client.getProduct({ productId: product.productId })).product?.status).toBe(ProductStatus.PRODUCT_STATUS_BANNED);
    const upheld = await client.decideIpComplaint({ requestId: unique('r'), complaintId, outcome: IpComplaintOutcome.IP_COMPLAINT_OUTCOME_UPHOLD, reviewerId: 'RV-3', note: '' });
    expect(upheld.complaint?.status).toBe(IpComplaintStatus.IP_COMPLAINT_STATUS_UPHELD);
    // Who decided is on the complaint, in the queue of decided complaints of the brand.
    const byBrand = await client.listIpComplaints({ status: IpComplaintStatus.IP_COMPLAINT_STATUS_UPHELD, merchantId: '', brandId: brand.brand?.brandId ?? '', pageSize: 0, pageToken: '' });
    expect(byBrand.complaints.map((c) => [c.complaintId, c.reviewerId, c.counterNoticeDueAt])).toEqual([[complaintId, 'RV-3', undefined]]);
    expect(upheld.ban?.status).toBe(BanStatus.BAN_STATUS_ACTIVE);
    // A takedown ends with the complaint, not with a reviewer's unban.
    const unban = await client.unbanProduct({ requestId: unique('r'), productId: product.productId, actorId: 'RV-3', message: 'looks fine' }).catch((e: unknown) => e);
    expect(readErrorDetails(unban)).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'BAN.NOT_LIFTED_BY_REVIEWER' });
  });

  it('reports the period\'s figures from the database', async () => {
    const stats = await client.getGovernanceStats({ window: { startTime: start, endTime: new Date(start.getTime() + 60 * DAY) } });
    expect(stats.listingsEvaluated).toBeGreaterThanOrEqual(6n);
    expect(stats.bannedByCause.map((c) => c.key).sort()).toEqual(['IP_TAKEDOWN', 'MANUAL']);
    expect(stats.productsBanned).toBe(4n);
    expect(stats.productsUnbanned).toBe(3n);
    expect(stats).toMatchObject({ banAppealsFiled: 1n, banAppealsOverturned: 1n, ipComplaints: 3n, ipTakedowns: 2n, ipRestored: 1n });
    const bad = await client.getGovernanceStats({ window: { startTime: start, endTime: start } }).catch((e: unknown) => e);
    expect(readErrorDetails(bad)?.fieldViolations.map((v) => v.field)).toEqual(['window.end_time']);
  });
});
