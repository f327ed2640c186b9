import {
  IdentifierKind,
  MerchantAccessServiceDefinition,
  MerchantRemovedEvent,
  ViolationSource,
  ViolationType,
} from '@govern/contracts-merchant-access';
import { ActorKind, streamOf } from '@govern/contracts-common';
import { AUDIT_RECORDS_OF_RESOURCE_SQL } from '@govern/platform-auth';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { readErrorDetails } from '@govern/platform-grpc';
import { startServiceForTest, type EventCollector, type ServiceUnderTest } from '@govern/platform-service-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchantAccessService } from '../merchant-access.service';
import { applicationInput } from '../testing/applications';

/**
 * Issue 12's trust on merchant-access's own RPCs, through real gRPC: who removed a merchant is
 * on record (audit_records and the event's actor), and CheckIdentifierLinks is metered per caller.
 */
describe('merchant-access: audit trail and rate limits', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let events: EventCollector;

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
