// platform-auth's audit record against PostgreSQL; here because platform-auth cannot depend on platform-testing (which depends on platform-grpc, which depends on platform-auth).
import { readFile } from 'node:fs/promises';
import { ActorKind } from '@govern/contracts-common';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, AUDIT_RECORDS_MIGRATION_FILE, AUDIT_RECORDS_OF_RESOURCE_SQL, auditRecordInsert, serviceActor } from '@govern/platform-auth';

describe('audit records in PostgreSQL', () => {
  let database: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase({ prefix: 'govern_auth_audit' });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(await readFile(AUDIT_RECORDS_MIGRATION_FILE, 'utf8'));
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('answers "who removed this merchant" with the person, roles, the certificate it came through, and the decision', async () => {
    const operator = actorOf({ kind: 'person', subject: 'alice', roles: ['operator'], via: 'cli' });
    const timer = serviceActor('merchant-access');
    const insert = async (record: Parameters<typeof auditRecordInsert>[0]) => {
      const { sql, params } = auditRecordInsert(record);
      await client.query(sql, params);
    };
    await insert({ at: new Date('2026-11-01T10:00:00Z'), action: 'govern.merchant_access.v1.MerchantAccessService/RecordViolation', requestId: 'r-1', actor: operator, resourceType: 'merchant', resourceId: 'm-1', decision: 'MERCHANT_REMOVED', reasonCodes: ['VIOLATION.COUNTERFEIT'], policyVersion: '2026-11-01.1' });
    await insert({ at: new Date('2026-11-02T10:00:00Z'), action: 'job:affiliate-sweep', requestId: 'job-7', actor: timer, resourceType: 'merchant', resourceId: 'm-1', decision: 'AFFILIATE_CLEARED' });
    await insert({ at: new Date('2026-11-03T10:00:00Z'), action: 'x', requestId: 'r-9', actor: operator, resourceType: 'merchant', resourceId: 'm-2', decision: 'OTHER' });

    const { rows } = await client.query(AUDIT_RECORDS_OF_RESOURCE_SQL, ['merchant', 'm-1', 10]);
    expect(rows.map((row) => [row.actor_subject, row.actor_kind, row.actor_roles, row.actor_service, row.actor_via, row.decision, row.reason_codes])).toEqual([
      ['spiffe://govern/merchant-access', 'service', [], 'merchant-access', null, 'AFFILIATE_CLEARED', []],
      ['alice', 'person', ['operator'], null, 'cli', 'MERCHANT_REMOVED', ['VIOLATION.COUNTERFEIT']],
    ]);
  });

  it('is append-only: updates and deletes are refused by the database', async () => {
    await expect(client.query(`UPDATE audit_records SET decision = 'NOTHING'`)).rejects.toThrow(/append-only/);
    await expect(client.query(`DELETE FROM audit_records`)).rejects.toThrow(/append-only/);
  });

  it('maps callers to event actors; an anonymous caller can never be one', () => {
    expect(actorOf({ kind: 'service', subject: 'spiffe://govern/listing', service: 'listing', roles: [] })).toEqual({
      subject: 'spiffe://govern/listing',
      kind: ActorKind.ACTOR_KIND_SERVICE,
      roles: [],
      service: 'listing',
    });
    expect(() => actorOf({ kind: 'anonymous', subject: 'anonymous', roles: [] })).toThrow(/anonymous/);
  });
});
