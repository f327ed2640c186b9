import { MerchantAccessServiceDefinition, ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import type { ServiceClient } from '@govern/platform-grpc';
import { useForSuite, type ServiceUnderTest } from '@govern/platform-service-testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardMerchant, startMerchantAccessForTest } from '../testing/service';
import { loadStandings, poolReads, readStandings, STANDINGS_STATEMENT } from './prisma-standing.repository';

describe('merchant-access: the standing read on the pool, a named prepared statement', () => {
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
    await client.recordViolation({
      requestId: 'standing-reads-late',
      merchantId,
      type: ViolationType.VIOLATION_TYPE_LATE_DISPATCH,
      source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
      sourceRef: '',
      productId: '',
      description: '',
      evidence: {},
    });
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
});
