import { streamOf } from '@govern/contracts-common';
import { MerchantServiceMetricsReported } from '@govern/contracts-consumer-experience';
import { MerchantAccessServiceDefinition, ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import { DAY } from '@govern/policy-core';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { closeServiceClient, type ServiceClient } from '@govern/platform-grpc';
import { startServiceForTest, type EventCollector, type ServiceUnderTest } from '@govern/platform-service-testing';
import { createMerchantAccessService } from '../merchant-access.service';
import { applicationInput } from './applications';

export interface MerchantAccessUnderTest {
  sut: ServiceUnderTest<PrismaClient>;
  client: ServiceClient<typeof MerchantAccessServiceDefinition>;
  /** Everything the service published (govern.merchant_access.>). */
  events: EventCollector;
  stop(): Promise<void>;
}

/** The real service on 127.0.0.1:0 with a fresh database and event namespace, a client, and its events collected. */
export const startMerchantAccessForTest = async (): Promise<MerchantAccessUnderTest> => {
  const sut = await startServiceForTest(createMerchantAccessService({ identityHashKey: 'integration-test-identity-hash-key-0123456789' }));
  // Over TLS with the credentials each RPC's policy names (the harness's test caller).
  const client = sut.client(MerchantAccessServiceDefinition);
  const events = await sut.collect(streamOf('merchant_access').name, ['govern.merchant_access.>']);
  return {
    sut,
    client,
    events,
    async stop() {
      closeServiceClient(client);
      await sut.stop();
    },
  };
};

/** The gRPC error a call failed with (its status, reason and field violations); throws if it did not fail. */
export { failureOf } from '@govern/platform-service-testing';

/** Onboards the clean applicant of `seed` and returns its merchant id. */
export const onboardMerchant = async (client: MerchantAccessUnderTest['client'], seed: number): Promise<string> => {
  const { merchant } = await client.submitApplication({ requestId: `onboard-${seed}`, application: applicationInput(seed) });
  if (!merchant) throw new Error('expected an approved merchant');
  return merchant.merchantId;
};

/** An operator records a late dispatch against the merchant (a few points, no sanction on its own); RecordViolation's answer. */
export const recordLateDispatch = (client: MerchantAccessUnderTest['client'], merchantId: string, requestId: string) =>
  client.recordViolation({
    requestId,
    merchantId,
    type: ViolationType.VIOLATION_TYPE_LATE_DISPATCH,
    source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
    sourceRef: '',
    productId: '',
    description: '',
    evidence: {},
  });

/** consumer-experience's 90-day rolling metrics report of a merchant, ending at `end`: perfect service unless overridden. */
export const serviceMetricsReport = (end: Date, eventId: string, merchantId: string, overrides: Partial<MerchantServiceMetricsReported> = {}): MerchantServiceMetricsReported =>
  MerchantServiceMetricsReported.fromPartial({
    meta: { eventId, occurredAt: end, causationId: eventId, correlationId: eventId },
    merchantId,
    window: { startTime: new Date(end.getTime() - 90 * DAY), endTime: end },
    orders: 1000n,
    inStockOrdersDue: 1000n,
    dispatchedWithin48h: 1000n,
    afterSales: 20n,
    avgResponseMinutes: 2,
    positiveReviews: 200n,
    ...overrides,
  });
