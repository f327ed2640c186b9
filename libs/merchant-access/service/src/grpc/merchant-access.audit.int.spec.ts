import {
  IdentifierKind,
  MerchantAccessServiceDefinition,
  MerchantRemovedEvent,
  ViolationSource,
  ViolationType,
} from '@govern/contracts-merchant-access';
import { ActorKind, GovernanceOpsServiceDefinition, streamOf } from '@govern/contracts-common';
import { AUDIT_RECORDS_OF_RESOURCE_SQL } from '@govern/platform-auth';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { readErrorDetails } from '@govern/platform-grpc';
import { startServiceForTest, type EventCollector, type ServiceUnderTest } from '@govern/platform-service-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchantAccessService } from '../merchant-access.service';
import { applicationInput } from '../testing/applications';

/**
 * Issue 12's trust on merchant-access's own RPCs, through real gRPC: who removed a merchant is
 * on record (audit_records, read back through GovernanceOpsService.ListAuditRecords, and the
 * event's actor), and CheckIdentifierLinks is metered per caller.
 */
describe('merchant-access: audit trail and rate limits', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let events: EventCollector;
  let removedMerchantId = '';

  beforeAll(async () => {
    sut = await startServiceForTest(createMerchantAccessService({ identityHashKey: 'integration-test-identity-hash-key-0123456789' }));
    events = await sut.collect(streamOf('merchant_access').name, ['govern.merchant_access.>']);
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('a removal by an operator names the operator in audit_records and in MerchantRemoved.meta.actor', async () => {
    const center = sut.client(MerchantAccessServiceDefinition, { system: 'merchant-center' });
    const { merchant } = await center.submitApplication({ requestId: 'audit-onboard-1', application: applicationInput(901) });
    if (!merchant) throw new Error('expected an approved merchant');
    const olga = sut.client(MerchantAccessServiceDefinition, { subject: 'olga', roles: ['operator'] });
    const removal = await olga.recordViolation({
      requestId: 'audit-counterfeit-1',
      merchantId: merchant.merchantId,
      type: ViolationType.VIOLATION_TYPE_COUNTERFEIT,
      source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
      sourceRef: '',
      productId: '',
      description: '',
      evidence: {},
    });
    expect(removal.removed).toBe(true);

    const rows = await sut.db.$queryRawUnsafe<Record<string, unknown>[]>(AUDIT_RECORDS_OF_RESOURCE_SQL, 'merchant', merchant.merchantId, 20);
    expect(rows.map((row) => [row['action'], row['actor_subject'], row['actor_kind'], row['actor_roles'], row['actor_service']])).toEqual([
      ['govern.merchant_access.v1.MerchantAccessService/RecordViolation', 'olga', 'person', ['operator'], null],
    ]);
    const [removed] = await events.waitFor(MerchantRemovedEvent, 1);
    expect(removed?.meta?.actor).toEqual({ subject: 'olga', kind: ActorKind.ACTOR_KIND_PERSON, roles: ['operator'], service: '' });
    removedMerchantId = merchant.merchantId;
  });

  it('"who removed this merchant" is answered by ListAuditRecords, for auditors and operators only', async () => {
    const merchant = { type: 'merchant', id: removedMerchantId };
    const auditor = sut.client(GovernanceOpsServiceDefinition, { subject: 'aud', roles: ['auditor'] });
    const { auditRecords, nextPageToken } = await auditor.listAuditRecords({ resource: merchant, actorSubject: '', rpc: '', pageSize: 0, pageToken: '' });
    expect(nextPageToken).toBe('');
    expect(auditRecords).toEqual([
      expect.objectContaining({
        rpc: 'govern.merchant_access.v1.MerchantAccessService/RecordViolation',
        actor: { subject: 'olga', kind: ActorKind.ACTOR_KIND_PERSON, roles: ['operator'], service: '' },
        resource: merchant,
        requestId: 'audit-counterfeit-1',
      }),
    ]);
    expect(auditRecords[0]?.decision).not.toBe('');
    // The decision record the removal took names the same operator.
    const { decisions } = await auditor.listDecisions({ kind: 'violation-points', subject: merchant, correlationId: '', pageSize: 0, pageToken: '', view: 0 });
    expect(decisions.map((d) => [d.requestId, d.actor])).toEqual([['audit-counterfeit-1', { subject: 'olga', kind: ActorKind.ACTOR_KIND_PERSON, roles: ['operator'], service: '' }]]);

    // Filters: by actor and RPC across resources (the application too was a mutation, by the merchant center).
    const byCenter = await auditor.listAuditRecords({ actorSubject: 'merchant-center', rpc: 'govern.merchant_access.v1.MerchantAccessService/SubmitApplication', pageSize: 0, pageToken: '' });
    expect(byCenter.auditRecords.map((r) => [r.requestId, r.actor?.kind, r.resource?.type])).toEqual([['audit-onboard-1', ActorKind.ACTOR_KIND_SYSTEM, 'application']]);
    // The resource a creating mutation declares comes from its response: the application it created.
    expect(byCenter.auditRecords[0]?.resource?.id).toMatch(/.+/);
    const before = await auditor.listAuditRecords({ resource: merchant, window: { startTime: new Date('2000-01-01T00:00:00Z'), endTime: new Date('2001-01-01T00:00:00Z') }, actorSubject: '', rpc: '', pageSize: 0, pageToken: '' });
    expect(before.auditRecords).toEqual([]);

    // Keyset pages, newest first, one record a page.
    const everything = await auditor.listAuditRecords({ actorSubject: '', rpc: '', pageSize: 500, pageToken: '' });
    expect(everything.auditRecords.length).toBeGreaterThanOrEqual(2);
    const paged: string[] = [];
    let pageToken = '';
    do {
      const page = await auditor.listAuditRecords({ actorSubject: '', rpc: '', pageSize: 1, pageToken });
      paged.push(...page.auditRecords.map((r) => r.auditRecordId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(paged).toEqual(everything.auditRecords.map((r) => r.auditRecordId));
    const times = everything.auditRecords.map((r) => r.recordTime?.getTime() ?? 0);
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const operator = sut.client(GovernanceOpsServiceDefinition, { subject: 'otto', roles: ['operator'] });
    await expect(operator.listAuditRecords({ resource: merchant, actorSubject: '', rpc: '', pageSize: 0, pageToken: '' })).resolves.toMatchObject({ auditRecords: [expect.anything()] });
    const support = sut.client(GovernanceOpsServiceDefinition, { subject: 'sue', roles: ['support'] });
    expect(readErrorDetails(await support.listAuditRecords({ resource: merchant, actorSubject: '', rpc: '', pageSize: 0, pageToken: '' }).catch((e: unknown) => e))).toMatchObject({
      codeName: 'PERMISSION_DENIED',
    });
    expect(readErrorDetails(await auditor.listAuditRecords({ resource: { type: 'merchant', id: '' }, actorSubject: '', rpc: '', pageSize: 0, pageToken: 'not-a-token!' }).catch((e: unknown) => e))).toMatchObject({
      codeName: 'INVALID_ARGUMENT',
    });
  });

  it('CheckIdentifierLinks: a risk reviewer only, metered per caller by identifiers looked up', async () => {
    const fifty = { identifiers: Array.from({ length: 50 }, (_, i) => ({ kind: IdentifierKind.IDENTIFIER_KIND_BANK_ACCOUNT, value: `62220200000000${String(i).padStart(5, '0')}` })), excludeMerchantId: '' };
    const operator = sut.client(MerchantAccessServiceDefinition, { subject: 'otto', roles: ['operator'] });
    expect(readErrorDetails(await operator.checkIdentifierLinks(fifty).catch((e: unknown) => e))).toMatchObject({ codeName: 'PERMISSION_DENIED' });
    const rita = sut.client(MerchantAccessServiceDefinition, { subject: 'rita', roles: ['risk-reviewer'] });
    await rita.checkIdentifierLinks(fifty);
    await rita.checkIdentifierLinks(fifty);
    const third = readErrorDetails(await rita.checkIdentifierLinks(fifty).catch((e: unknown) => e));
    expect(third).toMatchObject({ codeName: 'RESOURCE_EXHAUSTED', reason: 'AUTH.RATE_LIMITED' });
    // Another reviewer has a budget of her own.
    const rui = sut.client(MerchantAccessServiceDefinition, { subject: 'rui', roles: ['risk-reviewer'] });
    await expect(rui.checkIdentifierLinks(fifty)).resolves.toBeDefined();
  });
});
