import { describe, expect, it } from 'vitest';
import { ListingDecision, ListingRejectedEvent, ProductQualityServiceDefinition } from '@govern/contracts-product-quality';
import type { PrismaClient } from '@govern/product-quality-data-access';
import { readErrorDetails, type ServiceClient } from '@govern/platform-grpc';
import { type EventCollector, type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { HOUR } from '@govern/policy-core';
import { pollUntil } from '@govern/platform-testing';
import { RichClientError } from 'nice-grpc-error-details';
import pg from 'pg';
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

  describe("the gate's locks (issue 13: a large catalogue uploads in parallel, a quota stays exact)", () => {
    const APPROVED = ListingDecision.LISTING_DECISION_APPROVED;
    /** Another connection to the service's database, in a transaction: evaluations under way elsewhere. */
    const sideTransaction = async (): Promise<pg.Client> => {
      const side = new pg.Client({ connectionString: sut.database.url });
      await side.connect();
      await side.query('BEGIN');
      return side;
    };
    const merchantLock = (mode: 'shared' | 'exclusive', merchantId: string): [string, string[]] => [
      `SELECT ${mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock'}(hashtext('product_quality.listing_gate'), hashtext($1::text))`,
      [merchantId],
    ];
    const productLock = (productId: string): [string, string[]] => [`SELECT pg_advisory_xact_lock(hashtext('product_quality.listing_gate.product'), hashtext($1::text))`, [productId]];
    /** Resolves once an evaluation waits on one of the gate's advisory locks (not any other advisory lock of the service). */
    const aGateWaits = () =>
      pollUntil('an evaluation waiting on a gate lock', async () => {
        const [row] = await sut.db.$queryRawUnsafe<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND query LIKE '%product_quality.listing_gate%'`,
        );
        return (row?.n ?? 0) > 0 ? true : undefined;
      }, { timeoutMs: 10_000 });

    it('gates a merchant without a quota in parallel with its other evaluations, and one with a quota after them', async () => {
      const free = unique('M-FREE');
      const restricted = unique('M-QUOTA');
      await onboard(sut, free);
      await onboard(sut, restricted, [], 5);
      const side = await sideTransaction();
      try {
        // An evaluation of each merchant under way (the merchant's gate lock held shared).
        await side.query(...merchantLock('shared', free));
        await side.query(...merchantLock('shared', restricted));
        // Without a quota nothing waits for it.
        expect((await client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId: free }), action: 0 })).decision).toBe(APPROVED);
        // With one, the evaluation waits until it ends: its count of active listings must see what that one approves.
        const queued = client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId: restricted }), action: 0 });
        await aGateWaits();
        await side.query('COMMIT');
        expect((await queued).decision).toBe(APPROVED);
      } finally {
        await side.end();
      }
    });

    it('approves every listing of one new product published at once (its SKUs): none loses the race to create it', async () => {
      const merchantId = unique('M-SKUS');
      await onboard(sut, merchantId);
      const productId = unique('P-SKUS');
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId, productId, title: `316不锈钢真空保温杯 500ml 双层隔热 款式${i + 1}` }), action: 0 })),
      );
      expect(answers.map((a) => a.decision)).toEqual(answers.map(() => APPROVED));
      const [row] = await sut.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM listings WHERE product_id = $1`, productId);
      expect(row?.n).toBe(6);
    });

    it('refuses with ABORTED, recording nothing, an evaluation whose merchant got a quota after it took the merchant lock; the same request then decides', async () => {
      const merchantId = unique('M-NEWLY-RESTRICTED');
      await onboard(sut, merchantId);
      const productId = unique('P');
      const request = { requestId: unique('r'), listing: listing({ merchantId, productId }), action: 0 };
      const side = await sideTransaction();
      let outcome: Promise<unknown>;
      try {
        // The evaluation takes the merchant's lock shared (no quota yet), then waits for the product's.
        await side.query(...productLock(productId));
        outcome = client.evaluateListing(request).catch((e: unknown) => e);
        await aGateWaits();
        // Meanwhile merchant-access restricts the merchant (as its standing consumer would write it).
        await sut.db.$executeRawUnsafe(`UPDATE merchants SET listing_quota = 3 WHERE merchant_id = $1`, merchantId);
        await side.query('COMMIT');
      } finally {
        await side.end();
      }
      expect(readErrorDetails(await outcome)).toMatchObject({ codeName: 'ABORTED', reason: 'LISTING.MERCHANT_CHANGED_CONCURRENTLY', metadata: { merchant_id: merchantId } });
      const recorded = await client.listListingEvaluations({ pageSize: 10, pageToken: '', listingId: '', productId, merchantId, decision: 0 });
      expect(recorded.evaluations).toEqual([]);
      // Sent again, it is gated under the quota (exclusive lock): 0 of 3 used, approved.
      expect((await client.evaluateListing(request)).decision).toBe(APPROVED);
    });
  });
});
