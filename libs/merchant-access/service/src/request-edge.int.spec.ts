import { MerchantAccessServiceDefinition, MerchantStatus, ViolationSource, ViolationType, type RecordViolationRequest } from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { type ServiceClient } from '@govern/platform-grpc';
import { type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { DAY } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { failureOf, onboardMerchant, startMerchantAccessForTest } from './testing/service';

/** The request edge: the platform's checks (same reasons as every service), keyset pages, retries answered before time checks. */
describe('merchant-access request edge over gRPC', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof MerchantAccessServiceDefinition>;
  useForSuite(startMerchantAccessForTest, (ma) => ({ sut, client } = ma));

  const onboard = (seed: number): Promise<string> => onboardMerchant(client, seed);

  const violation = (requestId: string, merchantId: string, occurredAt: Date): RecordViolationRequest => ({
    requestId,
    merchantId,
    type: ViolationType.VIOLATION_TYPE_FAKE_SHIPMENT,
    source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
    occurredAt,
    sourceRef: '',
    productId: '',
    description: '',
    evidence: {},
  });

  it('gives the same client mistakes the same reasons as the other services', async () => {
    const list = await failureOf(client.listMerchants({ pageSize: -1, pageToken: 'not-a-token', status: 99 as MerchantStatus }));
    expect(list.codeName).toBe('INVALID_ARGUMENT');
    expect(list.fieldViolations.map((f) => [f.field, f.reason])).toEqual([
      ['page_size', 'OUT_OF_RANGE'],
      ['page_token', 'INVALID_PAGE_TOKEN'],
      ['status', 'UNKNOWN_ENUM_VALUE'],
    ]);
    const recorded = await failureOf(client.recordViolation({ ...violation('edge-bad-type', 'm-1', sut.clock.now()), type: 99 as ViolationType }));
    expect(recorded.fieldViolations.map((f) => [f.field, f.reason])).toEqual([['type', 'UNKNOWN_ENUM_VALUE']]);
    const stats = await failureOf(client.getGovernanceStats({ window: { startTime: new Date('-000050-01-01T00:00:00Z'), endTime: sut.clock.now() } }));
    expect(stats.fieldViolations.map((f) => [f.field, f.reason])).toEqual([['window.start_time', 'INVALID_TIMESTAMP']]);
  });

  it('pages merchants with keyset tokens: each page continues where the last one ended', async () => {
    const onboarded = [await onboard(400), await onboard(401), await onboard(402)];
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await client.listMerchants({ pageSize: 1, pageToken, status: 0 });
      seen.push(...page.merchants.map((m) => m.merchantId));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(onboarded));
  });

  it('answers a retry with its stored answer even when its occurred_at has since left the points window', async () => {
    const merchantId = await onboard(410);
    const request = violation('edge-aging-violation', merchantId, new Date(sut.clock.now().getTime() - 364 * DAY));
    const first = await client.recordViolation(request);
    expect(first.violation?.merchantId).toBe(merchantId);

    sut.clock.advance(2 * DAY);
    // The same request again: the first answer, nothing recorded twice.
    expect(await client.recordViolation(request)).toEqual(first);
    expect((await client.listViolations({ merchantId, pageSize: 10, pageToken: '', status: 0 })).violations).toHaveLength(1);
    // Another request with that time is refused now: it would carry no points.
    const late = await failureOf(client.recordViolation({ ...request, requestId: 'edge-aging-violation-new' }));
    expect(late.fieldViolations.map((f) => [f.field, f.reason])).toEqual([['occurred_at', 'OUT_OF_RANGE']]);
  });
});
