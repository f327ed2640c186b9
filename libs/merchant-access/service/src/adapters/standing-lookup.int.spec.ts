import { MerchantAccessServiceDefinition, ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import type { ServiceClient } from '@govern/platform-grpc';
import { useForSuite, type ServiceUnderTest } from '@govern/platform-service-testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardMerchant, startMerchantAccessForTest } from '../testing/service';
import { poolReads, type StandingReads } from './prisma-standing.repository';
import { coalescedStandingLookup } from './standing-lookup';

describe("merchant-access: GetMerchantStanding's lookups coalesced into one standing read per burst", () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof MerchantAccessServiceDefinition>;
  useForSuite(startMerchantAccessForTest, (ma) => ({ sut, client } = ma));
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: sut.database.url, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
  });

  /** The pool's reads, with the merchant ids each standing read asked for (and a failure to inject). */
  const countedReads = (): StandingReads & { asked: string[][]; failNext: boolean } => {
    const reads = poolReads(pool);
    const counted = {
      asked: [] as string[][],
      failNext: false,
      query: async <Row>(statement: Parameters<StandingReads['query']>[0], values?: readonly unknown[], name?: string): Promise<Row[]> => {
        const ids = typeof statement === 'string' ? [] : (statement.values.find(Array.isArray) as string[] | undefined) ?? [];
        counted.asked.push([...ids]);
        if (counted.failNext) {
          counted.failNext = false;
          throw new Error('connection lost');
        }
        return reads.query<Row>(statement, values, name);
      },
    };
    return counted;
  };

  it('answers the lookups that arrive together with one read, each its own merchant (an unknown id: none)', async () => {
    const merchants = [await onboardMerchant(client, 930), await onboardMerchant(client, 931), await onboardMerchant(client, 932)];
    const reads = countedReads();
    const lookup = coalescedStandingLookup(reads, sut.clock);
    const [a, b, c, unknown, again] = await Promise.all([...merchants.map((id) => lookup.get(id)), lookup.get('no-such-merchant'), lookup.get(merchants[0] ?? '')]);
    expect(reads.asked).toHaveLength(1);
    expect(new Set(reads.asked[0])).toEqual(new Set([...merchants, 'no-such-merchant']));
    expect([a, b, c].map((view) => view?.merchantId)).toEqual(merchants);
    expect(unknown).toBeUndefined();
    expect(again).toEqual(a);
  });

  it('reads afresh for every burst: a violation recorded between two lookups shows in the second', async () => {
    const merchantId = await onboardMerchant(client, 933);
    const reads = countedReads();
    const lookup = coalescedStandingLookup(reads, sut.clock);
    expect((await lookup.get(merchantId))?.standing.activePoints).toBe(0);
    await client.recordViolation({
      requestId: 'standing-lookup-late',
      merchantId,
      type: ViolationType.VIOLATION_TYPE_LATE_DISPATCH,
      source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
      sourceRef: '',
      productId: '',
      description: '',
      evidence: {},
    });
    expect((await lookup.get(merchantId))?.standing.activePoints).toBeGreaterThan(0);
    expect(reads.asked).toEqual([[merchantId], [merchantId]]);
  });

  it('fails the lookups of a failed read only; the next burst reads again', async () => {
    const merchantId = await onboardMerchant(client, 934);
    const reads = countedReads();
    const lookup = coalescedStandingLookup(reads, sut.clock);
    reads.failNext = true;
    const failed = await Promise.allSettled([lookup.get(merchantId), lookup.get('no-such-merchant')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await lookup.get(merchantId))?.merchantId).toBe(merchantId);
    expect(reads.asked).toHaveLength(2);
  });

  it('asks for at most 16 merchants a read (a burst becomes several reads on the pool)', async () => {
    const reads = countedReads();
    const lookup = coalescedStandingLookup(reads, sut.clock);
    const views = await Promise.all(Array.from({ length: 33 }, (_, i) => lookup.get(`unknown-${i}`)));
    expect(views.every((view) => view === undefined)).toBe(true);
    expect(reads.asked.map((ids) => ids.length)).toEqual([16, 16, 1]);
  });

  it('answers GetMerchantStanding calls sent at once, each with its own merchant', async () => {
    const merchants = await Promise.all([935, 936, 937, 938].map((seed) => onboardMerchant(client, seed)));
    const answers = await Promise.all([...merchants, ...merchants].map((merchantId) => client.getMerchantStanding({ merchantId })));
    expect(answers.map((a) => a.standing?.merchantId)).toEqual([...merchants, ...merchants]);
    const missing = await client.getMerchantStanding({ merchantId: 'no-such-merchant' }).catch((e: unknown) => e);
    expect(String(missing)).toMatch(/NOT_FOUND/);
  });
});
