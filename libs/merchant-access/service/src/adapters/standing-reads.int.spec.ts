import { MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import type { ServiceClient } from '@govern/platform-grpc';
import { useForSuite, type ServiceUnderTest } from '@govern/platform-service-testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardMerchant, recordLateDispatch, startMerchantAccessForTest } from '../testing/service';
import { loadStandings, poolReads, readStandings, STANDINGS_STATEMENT, type StandingReads } from './prisma-standing.repository';
import { coalescedStandingLookup } from './standing-lookup';

describe('merchant-access: the standing read on the pool, a named prepared statement, and its coalesced lookups', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof MerchantAccessServiceDefinition>;
  useForSuite(startMerchantAccessForTest, (ma) => ({ sut, client } = ma));
  // One connection, so the statements this test sees prepared are the ones its reads left there.
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: sut.database.url, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
  });

  /** The statements prepared on the pool's one connection. */
  const prepared = async (): Promise<string[]> => (await pool.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map((row) => row.name);

  it('is prepared once per connection, binds its values on every read and reads what the Prisma path reads', async () => {
    const merchantId = await onboardMerchant(client, 920);
    const other = await onboardMerchant(client, 921);
    const reads = poolReads(pool);

    const first = await readStandings(reads, [merchantId, other, 'no-such-merchant'], sut.clock.now());
    expect([...first.keys()].sort()).toEqual([merchantId, other].sort());
    expect(first.get(merchantId)?.standing.activePoints).toBe(0);
    expect(await prepared()).toEqual([STANDINGS_STATEMENT]);

    // A violation since: the same prepared statement reads it (values are bound, nothing is cached).
    await recordLateDispatch(client, merchantId, 'standing-reads-late');
    const at = sut.clock.now();
    const second = await readStandings(reads, [merchantId], at);
    expect(second.get(merchantId)?.standing.activePoints).toBeGreaterThan(0);
    expect(await prepared()).toEqual([STANDINGS_STATEMENT]);

    // The same standing as the Prisma path (one statement text, two drivers) and as the RPC answers.
    const viaPrisma = await loadStandings(sut.db, [merchantId], at);
    expect(second.get(merchantId)?.standing).toEqual(viaPrisma.get(merchantId)?.standing);
    const { standing } = await client.getMerchantStanding({ merchantId });
    expect(standing?.activePoints).toBe(second.get(merchantId)?.standing.activePoints);
  });

  it("keeps its generic plan for one merchant's standing: planned once, not at every read", async () => {
    const merchantId = await onboardMerchant(client, 922);
    const reads = poolReads(pool);
    // PostgreSQL plans the first five executions for their values, then keeps the generic plan
    // unless a plan for the values looks cheaper (for `id = ANY($ids)` and one id, it always did).
    for (let read = 0; read < 12; read++) expect((await readStandings(reads, [merchantId], sut.clock.now())).has(merchantId)).toBe(true);
    const plans = await pool.query<{ generic_plans: string; custom_plans: string }>('SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = $1', [STANDINGS_STATEMENT]);
    const [counts] = plans.rows;
    expect(Number(counts?.custom_plans)).toBeLessThanOrEqual(5);
    expect(Number(counts?.generic_plans)).toBeGreaterThanOrEqual(7);
  });

  describe("GetMerchantStanding's lookups, coalesced into one standing read per burst", () => {
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
      await recordLateDispatch(client, merchantId, 'standing-lookup-late');
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
});
