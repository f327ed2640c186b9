import { describe, expect, it } from 'vitest';
import { ListingDecision, ListingRejectedEvent, ProductQualityServiceDefinition } from '@govern/contracts-product-quality';
import type { PrismaClient } from '@govern/product-quality-data-access';
import { readErrorDetails, type ServiceClient } from '@govern/platform-grpc';
import { type EventCollector, type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { HOUR } from '@govern/policy-core';
import { RichClientError } from 'nice-grpc-error-details';
import { listing, onboard, sentinel, unique, startProductQualityForTest } from './testing/fixtures';

/** Issue 11 item 7: what a retry gets, for the listing gate and for a mutation with a time check. */
describe('product-quality: retries of the listing gate and of time-checked mutations', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof ProductQualityServiceDefinition>;
  let events: EventCollector;

  useForSuite(() => startProductQualityForTest(), (pq) => ({ sut, client, events } = pq));

  it('refuses a listing of a merchant not known yet with a retryable error that records nothing, and decides the same request once the merchant is known', async () => {
    const merchantId = unique('M-LATE');
    const request = { requestId: unique('r'), listing: listing({ merchantId }), action: 0 };
    const error = await client.evaluateListing(request).catch((e: unknown) => e);
    expect(readErrorDetails(error)).toMatchObject({
      codeName: 'FAILED_PRECONDITION',
      reason: 'LISTING.MERCHANT_NOT_YET_KNOWN',
      metadata: { merchant_id: merchantId },
      preconditionViolations: [{ type: 'LISTING.MERCHANT_NOT_YET_KNOWN' }],
    });
    // RetryInfo tells a client this refusal is worth sending again, and when.
    expect(error).toBeInstanceOf(RichClientError);
    const retryInfo = (error as RichClientError).extra.find((d) => d.$type === 'google.rpc.RetryInfo');
    expect(retryInfo).toMatchObject({ retryDelay: { seconds: 1 } });
    expect(readErrorDetails(error)?.retryDelayMs).toBe(1_000);

    // Nothing recorded: no decision, no event, no stored answer for the request_id.
    const recorded = await client.listListingEvaluations({ pageSize: 10, pageToken: '', listingId: '', productId: '', merchantId, decision: 0 });
    expect(recorded.evaluations).toEqual([]);
    await sentinel(sut, client, events);
    expect(events.of(ListingRejectedEvent).filter((e) => e.merchantId === merchantId)).toEqual([]);

    await onboard(sut, merchantId);
    const decided = await client.evaluateListing(request);
    expect(decided.decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    const after = await client.listListingEvaluations({ pageSize: 10, pageToken: '', listingId: '', productId: '', merchantId, decision: 0 });
    expect(after.evaluations.map((e) => e.evaluationId)).toEqual([decided.evaluationId]);
  });

  it('announces a re-submitted three-no listing under the same listing id (the fact merchant-access adds points for once), and a retry not at all', async () => {
    const merchantId = unique('M-3NO');
    await onboard(sut, merchantId);
    const threeNo = listing({ merchantId, manufacturer: '', productionDate: undefined, batchNumber: '' });
    const first = { requestId: unique('r'), listing: threeNo, action: 0 };
    const answer = await client.evaluateListing(first);
    expect(answer.threeNo).toBe(true);
    // The same request again (a client retry): the first answer, no second decision or event.
    expect(await client.evaluateListing(first)).toEqual(answer);
    // The merchant sends the same listing again as a new request: decided again, announced again, same listing id.
    const again = await client.evaluateListing({ requestId: unique('r'), listing: threeNo, action: 0 });
    expect(again.threeNo).toBe(true);
    expect(again.evaluationId).not.toBe(answer.evaluationId);
    await sentinel(sut, client, events);
    const announced = events.of(ListingRejectedEvent).filter((e) => e.merchantId === merchantId);
    expect(announced.map((e) => [e.evaluationId, e.listingId, e.threeNo])).toEqual([
      [answer.evaluationId, threeNo.listingId, true],
      [again.evaluationId, threeNo.listingId, true],
    ]);
  });

  it('answers a retry with the stored answer although its time check would now refuse it', async () => {
    const request = {
      requestId: unique('r'),
      name: `Brand ${unique('B')}`,
      aliases: [],
      ownerId: 'OWNER-1',
      trademarkNumber: 'TM-1',
      authorisationRequired: true,
      categoryCodes: ['home'],
      expiresAt: new Date(sut.clock.now().getTime() + HOUR),
    };
    const registered = await client.registerBrand(request);
    sut.clock.advance(2 * HOUR);
    // expires_at now lies in the past: a new request is refused, the retry of the first one is answered as before.
    expect(await client.registerBrand(request)).toEqual(registered);
    const fresh = await client.registerBrand({ ...request, requestId: unique('r') }).catch((e: unknown) => e);
    expect(readErrorDetails(fresh)?.fieldViolations.map((v) => [v.field, v.reason])).toEqual([['expires_at', 'OUT_OF_RANGE']]);
  });
  it('an approval that loses the race to a ban is PRODUCT.CHANGED_CONCURRENTLY and records nothing', async () => {
    const merchantId = unique('M-RACE');
    await onboard(sut, merchantId);
    const productId = unique('P-RACE');
    const first = await client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId, productId }), action: 0 });
    expect(first.decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    // What an approval finds when a ban commits between its read and its write: the product no longer
    // ACTIVE (without a ban id, so the gate's rules, which read before the ban, still approve).
    await sut.db.$executeRawUnsafe(`UPDATE products SET status = 'BANNED' WHERE product_id = $1`, productId);
    const edit = { requestId: unique('r'), listing: listing({ merchantId, productId, listingId: unique('L-RACE'), title: 'A new title for the same product' }), action: 0 };
    const error = await client.evaluateListing(edit).catch((e: unknown) => e);
    expect(readErrorDetails(error)).toMatchObject({ codeName: 'ABORTED', reason: 'PRODUCT.CHANGED_CONCURRENTLY', metadata: { product_id: productId } });
    const recorded = await client.listListingEvaluations({ pageSize: 10, pageToken: '', listingId: '', productId, merchantId, decision: 0 });
    expect(recorded.evaluations.map((e) => e.evaluationId)).toEqual([first.evaluationId]);
    expect(await sut.db.$queryRawUnsafe(`SELECT count(*)::int AS n FROM quality_scores WHERE product_id = $1`, productId)).toEqual([{ n: 1 }]);
  });
});
