import type { BuyerContact, CareCase, CareStep, ServiceNormMetrics as ServiceNormMetricsProto } from '@govern/contracts-consumer-experience';
import type { BuyerContactRow, CareCaseRow, Prisma } from '@govern/consumer-experience-data-access';
import { isResolved, SERVICE_NORM_POLICIES, type CareKind, type ServiceNormMetrics } from '@govern/consumer-experience-domain';
import type { PolicyRef, Reason } from '@govern/policy-core';
import { careCaseStatusCodec, careKindCodec, contactChannelCodec, contactTopicCodec, type CareCaseStatus } from './enums';
import { policyToProto, reasonsFromJson, reasonsToJson, reasonsToProto } from './to-proto';

/** Buyer-care rows -> proto resources (issue 19). */

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export const contactToProto = (c: BuyerContactRow): BuyerContact => {
  // Judged under the version the contact was recorded with (a row names its version; an unknown one falls back to the active).
  const policy = SERVICE_NORM_POLICIES.find(c.policyVersion) ?? SERVICE_NORM_POLICIES.active;
  return {
    contactId: c.contactId,
    buyerId: c.buyerId,
    merchantId: c.merchantId,
    orderId: c.orderId ?? '',
    channel: contactChannelCodec.toProto(c.channel),
    topic: contactTopicCodec.toProto(c.topic),
    contactTime: c.contactedAt,
    firstReplyDueTime: c.firstReplyDueAt,
    firstReplyTime: orUndefined(c.firstReplyAt),
    breached: c.breached,
    resolvedMarkTime: orUndefined(c.resolvedMarkAt),
    rating: c.rating ?? 0,
    buyerResolved: c.buyerResolved ?? false,
    resolved: isResolved({ contactedAt: c.contactedAt, resolvedMarkAt: orUndefined(c.resolvedMarkAt), buyerResolved: orUndefined(c.buyerResolved) }, policy),
    newBuyer: c.newBuyer,
    reasons: reasonsToProto(reasonsFromJson(c.reasons)),
    policy: policyToProto(c.policyName, c.policyVersion),
  };
};

/** One step of a care case as stored in `care_cases.steps`. */
export interface StoredCareStep {
  step: 'NUDGED' | 'PLATFORM_STEPPED_IN' | 'RESOLVED_BY_MERCHANT';
  at: Date;
  reasons: readonly Reason[];
  policy: PolicyRef;
}

export const careStepToJson = (s: StoredCareStep): Prisma.JsonObject => ({
  step: s.step,
  at: s.at.toISOString(),
  reasons: reasonsToJson(s.reasons),
  policy: { name: s.policy.name, version: s.policy.version },
});

const careStepsFromJson = (json: Prisma.JsonValue): CareStep[] =>
  (Array.isArray(json) ? json : []).map((item) => {
    const s = (item ?? {}) as { step?: string; at?: string; reasons?: Prisma.JsonValue; policy?: { name?: string; version?: string } };
    return {
      step: s.step ?? '',
      stepTime: s.at ? new Date(s.at) : undefined,
      reasons: reasonsToProto(reasonsFromJson(s.reasons)),
      policy: policyToProto(s.policy?.name, s.policy?.version),
    };
  });

export const careCaseToProto = (c: CareCaseRow): CareCase => ({
  caseId: c.caseId,
  orderId: c.orderId,
  buyerId: c.buyerId,
  merchantId: c.merchantId,
  kind: careKindCodec.toProto(c.kind as CareKind),
  status: careCaseStatusCodec.toProto(c.status as CareCaseStatus),
  afterSaleId: c.afterSaleId ?? '',
  openTime: c.openedAt,
  stepInDueTime: c.stepInDueAt,
  resolveTime: orUndefined(c.resolvedAt),
  compensationId: c.compensationId ?? '',
  paidFen: c.paidFen,
  steps: careStepsFromJson(c.steps),
  policy: policyToProto(c.policyName, c.policyVersion),
});

export const serviceNormMetricsToProto = (m: ServiceNormMetrics, merchantId: string): ServiceNormMetricsProto => ({
  merchantId,
  window: { startTime: m.window.start, endTime: m.window.end },
  contacts: BigInt(m.contacts),
  judged: BigInt(m.judged),
  answered: BigInt(m.answered),
  answeredWithinSla: BigInt(m.answeredWithinSla),
  breaches: BigInt(m.breaches),
  responseRate: m.responseRate,
  firstReplyP50Seconds: m.firstReplyP50Ms / 1000,
  firstReplyP90Seconds: m.firstReplyP90Ms / 1000,
  resolved: BigInt(m.resolved),
  resolutionRate: m.resolutionRate,
  ratings: BigInt(m.ratings),
  satisfied: BigInt(m.satisfied),
  satisfactionRate: m.satisfactionRate,
  averageRating: m.avgRating,
  policy: { name: m.policy.name, version: m.policy.version },
});
