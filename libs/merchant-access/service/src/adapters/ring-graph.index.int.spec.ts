import { connectMerchantAccessDatabase, MerchantAccessMigrations, type MerchantAccessDatabase } from '@govern/merchant-access-data-access';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RingGraphIndex } from './ring-graph.index';

/**
 * Two replicas' ring graphs over one database: what one writes, the other sees at its next
 * check, including a row whose transaction commits after a later one (a sequence gap).
 */
describe('RingGraphIndex across replicas', () => {
  let db: TestDatabase;
  let conn: MerchantAccessDatabase;
  const log = pino({ level: 'silent' });
  const at = new Date('2026-11-01T00:00:00Z');

  const addMerchant = async (id: string): Promise<void> => {
    await conn.client.application.create({
      data: {
        id: `app-${id}`, status: 'APPROVED', companyName: id, creditCodeMasked: '', legalRepNameMasked: '', phoneMasked: '', bankAccountMasked: '',
        regionCode: '350102', categoryCodes: ['general'], riskScore: 0, band: 'APPROVE', reasons: [], ringLinks: [], approvableCategoryCodes: ['general'],
        policyName: 'merchant-onboarding', policyVersion: '2026-11-01.1', submittedAt: at, decidedAt: at, merchantId: id,
      },
    });
    await conn.client.merchant.create({
      data: {
        id, applicationId: `app-${id}`, companyName: id, creditCodeMasked: '', onboardingBand: 'APPROVE', listingQuota: 0, depositFen: 200_000n,
        approvedCategoryCodes: ['general'], affiliateEligible: true, onboardedAt: at,
      },
    });
  };

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MerchantAccessMigrations, prefix: 'merchant_access_ring' });
    conn = connectMerchantAccessDatabase({ connectionString: db.url, poolSize: 4 });
    for (const id of ['m-1', 'm-2', 'm-3']) await addMerchant(id);
    await conn.client.ringGraphEntry.create({ data: { merchantId: 'm-1', identifierKind: 'PHONE', identifierHash: 'phone-1' } });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('sees identifiers and removals written by another replica at its next catch-up', async () => {
    const replica = await RingGraphIndex.load(conn.client, log);
    expect(replica.check([{ kind: 'PHONE', key: 'phone-1' }]).links.map((l) => l.merchantId)).toEqual(['m-1']);

    // Another replica onboards m-2 with a bank account and removes m-1.
    await conn.client.ringGraphEntry.createMany({
      data: [
        { merchantId: 'm-2', identifierKind: 'BANK_ACCOUNT', identifierHash: 'bank-2' },
        { merchantId: 'm-2', identifierKind: 'PHONE', identifierHash: 'phone-1' },
        { merchantId: 'm-1', status: 'REMOVED' },
      ],
    });
    expect(replica.check([{ kind: 'BANK_ACCOUNT', key: 'bank-2' }]).links).toEqual([]);
    await replica.catchUp(conn.client);
    const check = replica.check([{ kind: 'BANK_ACCOUNT', key: 'bank-2' }]);
    expect(check.linkedToRemoved).toBe(true);
    expect(check.links.map((l) => [l.merchantId, l.status, l.hops])).toEqual([
      ['m-1', 'REMOVED', 2],
      ['m-2', 'ACTIVE', 1],
    ]);
  });

  it('does not skip a row whose transaction commits after a later row', async () => {
    const replica = await RingGraphIndex.load(conn.client, log);
    const slow = await conn.pool.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(`INSERT INTO ring_graph_entries (merchant_id, identifier_kind, identifier_hash) VALUES ('m-3', 'DEVICE', 'device-3')`);
      // A later sequence value commits first.
      await conn.client.ringGraphEntry.create({ data: { merchantId: 'm-2', identifierKind: 'DEVICE', identifierHash: 'device-2' } });
      await replica.catchUp(conn.client);
      // (m-2 also leads on to removed m-1 through their shared phone: only the direct holder is asserted)
      expect(replica.check([{ kind: 'DEVICE', key: 'device-2' }]).links.filter((l) => l.hops === 1).map((l) => l.merchantId)).toEqual(['m-2']);
      expect(replica.check([{ kind: 'DEVICE', key: 'device-3' }]).links).toEqual([]);
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    await replica.catchUp(conn.client);
    expect(replica.check([{ kind: 'DEVICE', key: 'device-3' }]).links.map((l) => l.merchantId)).toEqual(['m-3']);
  });

  it('lets concurrent checks share catch-ups, each seeing what committed before it asked', async () => {
    const replica = await RingGraphIndex.load(conn.client, log);
    await conn.client.ringGraphEntry.create({ data: { merchantId: 'm-3', identifierKind: 'ADDRESS', identifierHash: 'address-3' } });
    await Promise.all([replica.catchUp(conn.client), replica.catchUp(conn.client), replica.catchUp(conn.client)]);
    expect(replica.check([{ kind: 'ADDRESS', key: 'address-3' }]).links.map((l) => l.merchantId)).toEqual(['m-3']);
  });
});
