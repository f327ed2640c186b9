import {
  ListViolationsRequest,
  ListViolationsResponse,
  MerchantRemovedEvent,
  MerchantSanctionedEvent,
  MerchantViolationRecordedEvent,
  RecordViolationRequest,
  RecordViolationResponse,
} from '@govern/contracts-merchant-access';
import type { MerchantAccessTx, Prisma } from '@govern/merchant-access-data-access';
import {
  appealDeadline,
  recordViolation,
  violationExpiresAt,
  VIOLATION_POLICY,
  type MerchantStatus,
  type ViolationType,
} from '@govern/merchant-access-domain';
import { scheduleJobs } from '@govern/platform-db';
import { appendToOutbox, toOutgoing } from '@govern/platform-events';
import { runMutation } from '@govern/platform-runtime';
import { Violations } from '@govern/policy-core';
import { loadStandings } from '../adapters/prisma-standing.repository';
import { loadMerchantHistory, lockMerchant } from '../adapters/records';
import { sanctionKindCodec, violationSourceCodec, violationStatusCodec, violationTypeCodec, type ViolationSourceName } from '../mapping/enums';
import { toJson } from '../mapping/json';
import { decodePageToken, encodePageToken } from '../mapping/page-token';
import { policyToProto, reasonsToProto, sanctionToProto, standingViewToProto, violationToProto } from '../mapping/resources';
import { metaFor, type CallInfo, type MerchantAccessDeps } from './deps';
import { requireMerchant } from './merchants';
import { recordStatusChange } from './status';
import { mutationViolations, pageSizeOf, requireId } from './validation';

/** Durable timer that ends a sanction when its time is up (key: sanction id). */
export const SANCTION_EXPIRY_JOB = 'sanction-expiry';

export interface ViolationInput {
  merchantId: string;
  type: ViolationType;
  occurredAt: Date;
  source: ViolationSourceName;
  sourceRef: string;
  productId: string;
  description: string;
  evidence: Record<string, string>;
  /** The request_id or event id that caused it (events' causation). */
  causationId: string;
}

export interface ViolationRecorded {
  response: RecordViolationResponse;
  /** Set when the merchant's status changed (the ring graph is told after commit). */
  statusAfter?: MerchantStatus | undefined;
}

/**
 * Records a violation inside the caller's transaction: the merchant's row is locked first, so
 * concurrent violations of one merchant climb the ladder one at a time and removal (with its
 * MerchantRemoved) happens once. Used by RecordViolation and by the event consumers.
 */
export const recordViolationInTx = async (tx: MerchantAccessTx, deps: MerchantAccessDeps, input: ViolationInput): Promise<ViolationRecorded> => {
  const policy = VIOLATION_POLICY;
  await lockMerchant(tx, input.merchantId);
  const merchant = await requireMerchant(tx, input.merchantId);
  const at = deps.clock.now();
  // Reporters' clocks may run a little ahead (validation bounded it): such a time means now.
  const occurredAt = input.occurredAt.getTime() > at.getTime() ? at : input.occurredAt;
  const history = await loadMerchantHistory(tx, input.merchantId, at, policy.windowMs);
  const statusBefore = merchant.status as MerchantStatus;
  const violationId = deps.ids.next();
  const outcome = recordViolation(
    { violations: history.violations, sanctions: history.sanctions, depositFen: merchant.depositFen - merchant.depositForfeitedFen },
    { id: violationId, type: input.type, occurredAt, recordedAt: at },
    deps.ids.next(),
    policy,
  );

  const violationRow = await tx.violation.create({
    data: {
      id: violationId,
      merchantId: input.merchantId,
      type: input.type,
      points: outcome.violation.points,
      zeroTolerance: outcome.violation.zeroTolerance,
      occurredAt,
      recordedAt: at,
      expiresAt: violationExpiresAt(outcome.violation, policy),
      appealDeadline: appealDeadline(outcome.violation),
      source: input.source,
      sourceRef: input.sourceRef,
      productId: input.productId,
      description: input.description,
      evidence: toJson(input.evidence),
      reasons: toJson(outcome.reasons),
      policyName: outcome.policy.name,
      policyVersion: outcome.policy.version,
    },
  });

  const sanction = outcome.sanction;
  const sanctionRow = sanction
    ? await tx.sanction.create({
        data: {
          id: sanction.id,
          merchantId: input.merchantId,
          kind: sanction.kind,
          startsAt: sanction.startsAt,
          endsAt: sanction.endsAt ?? null,
          triggerPoints: sanction.triggerPoints,
          threshold: sanction.threshold,
          zeroTolerance: sanction.zeroTolerance,
          triggerViolationId: sanction.triggerViolationId,
          violationIds: [...sanction.violationIds],
          depositForfeitedFen: outcome.depositForfeitedFen,
          reasons: toJson(outcome.reasons),
          policyName: outcome.policy.name,
          policyVersion: outcome.policy.version,
        },
      })
    : undefined;
  if (sanction?.endsAt) {
    await scheduleJobs(tx, [{ kind: SANCTION_EXPIRY_JOB, key: sanction.id, dueAt: sanction.endsAt, payload: { merchant_id: input.merchantId } }]);
  }

  const statusAfter = outcome.standing.status;
  if (outcome.removed) {
    await tx.merchant.update({
      where: { id: input.merchantId },
      data: { removedAt: at, depositForfeitedFen: merchant.depositForfeitedFen + outcome.depositForfeitedFen },
    });
  }
  const statusChanged = await recordStatusChange(tx, input.merchantId, statusBefore, statusAfter);

  const meta = () => metaFor(deps, input.causationId);
  const reasons = reasonsToProto(outcome.reasons);
  const events = [
    toOutgoing(MerchantViolationRecordedEvent, {
      meta: meta(),
      violationId,
      merchantId: input.merchantId,
      type: violationTypeCodec.toProto(input.type),
      points: outcome.violation.points,
      zeroTolerance: outcome.violation.zeroTolerance,
      activePoints: outcome.standing.activePoints,
      productId: input.productId,
      policy: policyToProto(outcome.policy),
    }),
  ];
  if (sanction && sanction.kind !== 'REMOVED') {
    events.push(
      toOutgoing(MerchantSanctionedEvent, {
        meta: meta(),
        merchantId: input.merchantId,
        sanctionId: sanction.id,
        kind: sanctionKindCodec.toProto(sanction.kind),
        startsAt: sanction.startsAt,
        endsAt: sanction.endsAt,
        activePoints: outcome.standing.activePoints,
        reasons,
        policy: policyToProto(outcome.policy),
      }),
    );
  }
  if (sanction && outcome.removed) {
    events.push(
      toOutgoing(MerchantRemovedEvent, {
        meta: meta(),
        merchantId: input.merchantId,
        zeroTolerance: sanction.zeroTolerance,
        depositForfeited: outcome.depositForfeitedFen > 0n,
        depositForfeitedFen: outcome.depositForfeitedFen,
        reasons,
        policy: policyToProto(outcome.policy),
        sanctionId: sanction.id,
      }),
    );
  }
  await appendToOutbox(tx, events);

  const standing = (await loadStandings(tx, [input.merchantId], at, policy)).get(input.merchantId);
  return {
    response: {
      violation: violationToProto(violationRow, at),
      standing: standing ? standingViewToProto(standing) : undefined,
      sanction: sanctionRow ? sanctionToProto(sanctionRow) : undefined,
      removed: outcome.removed,
      depositForfeited: outcome.depositForfeitedFen > 0n,
      reasons,
      policy: policyToProto(outcome.policy),
    },
    statusAfter: statusChanged ? statusAfter : undefined,
  };
};

/** Checks a RecordViolation request; every problem at once. */
const validateRecordViolation = (request: RecordViolationRequest, now: Date): ViolationInput => {
  const limits = VIOLATION_POLICY.limits;
  const v = mutationViolations(request.requestId);
  requireId(v, 'merchant_id', request.merchantId);
  const type = violationTypeCodec.fromProto(request.type);
  v.check(type !== undefined, 'type', 'is required: a violation type', 'REQUIRED');
  const source = violationSourceCodec.fromProto(request.source);
  v.check(source !== undefined, 'source', 'is required: who reports the violation', 'REQUIRED');
  const occurredAt = request.occurredAt ?? now;
  if (v.check(!Number.isNaN(occurredAt.getTime()), 'occurred_at', 'is not a valid time', 'INVALID_FORMAT')) {
    v.check(occurredAt.getTime() <= now.getTime() + limits.futureSkewMs, 'occurred_at', 'must not be in the future', 'IN_FUTURE');
    v.check(
      occurredAt.getTime() > now.getTime() - VIOLATION_POLICY.windowMs,
      'occurred_at',
      'is older than the points window: the violation would carry no points',
      'OUT_OF_RANGE',
    );
  }
  v.maxLength('source_ref', request.sourceRef, limits.referenceMaxLength);
  v.maxLength('product_id', request.productId, limits.referenceMaxLength);
  v.maxLength('description', request.description, limits.descriptionMaxLength);
  if (type === 'OTHER') v.require('description', request.description);
  const entries = Object.entries(request.evidence);
  if (v.check(entries.length <= limits.maxEvidenceEntries, 'evidence', `must have at most ${limits.maxEvidenceEntries} entries`, 'TOO_MANY_ITEMS')) {
    for (const [key, value] of entries) {
      v.check(key.length > 0 && [...key].length <= limits.evidenceKeyMaxLength, `evidence[${key}]`, `keys must be 1-${limits.evidenceKeyMaxLength} characters`, 'INVALID_KEY');
      v.maxLength(`evidence[${key}]`, value, limits.evidenceValueMaxLength);
    }
  }
  v.throwIfAny('MERCHANT.VIOLATION.INVALID');
  return {
    merchantId: request.merchantId,
    type: type as ViolationType,
    occurredAt,
    source: source as ViolationSourceName,
    sourceRef: request.sourceRef,
    productId: request.productId,
    description: request.description,
    evidence: { ...request.evidence },
    causationId: request.requestId,
  };
};

export const createViolations = (deps: MerchantAccessDeps) => ({
  async recordViolation(request: RecordViolationRequest, call: CallInfo): Promise<RecordViolationResponse> {
    const input = validateRecordViolation(request, deps.clock.now());
    let statusAfter: MerchantStatus | undefined;
    const response = await runMutation(
      deps.db,
      { scope: 'merchant_access.RecordViolation', request, requestCodec: RecordViolationRequest, responseCodec: RecordViolationResponse, deadline: call.deadline },
      async (tx) => {
        const recorded = await recordViolationInTx(tx, deps, input);
        statusAfter = recorded.statusAfter;
        return recorded.response;
      },
    );
    deps.eventsWritten();
    if (statusAfter) deps.ring.setStatus(input.merchantId, statusAfter);
    return response;
  },

  async listViolations(request: ListViolationsRequest): Promise<ListViolationsResponse> {
    const v = new Violations();
    requireId(v, 'merchant_id', request.merchantId);
    const pageSize = pageSizeOf(v, request.pageSize);
    const after = decodePageToken(v, request.pageToken);
    const status = request.status === 0 ? undefined : violationStatusCodec.fromProto(request.status);
    v.check(request.status === 0 || status !== undefined, 'status', 'is not a violation status', 'INVALID_ENUM');
    v.throwIfAny();
    await requireMerchant(deps.db, request.merchantId);
    const at = deps.clock.now();
    const byStatus: Prisma.ViolationWhereInput =
      status === 'OVERTURNED'
        ? { overturnedAt: { lte: at } }
        : status === 'EXPIRED'
          ? { expiresAt: { lte: at }, OR: [{ overturnedAt: null }, { overturnedAt: { gt: at } }] }
          : status === 'ACTIVE'
            ? { expiresAt: { gt: at }, OR: [{ overturnedAt: null }, { overturnedAt: { gt: at } }] }
            : {};
    const rows = await deps.db.violation.findMany({
      where: {
        merchantId: request.merchantId,
        ...byStatus,
        ...(after
          ? { AND: [{ OR: [{ occurredAt: { lt: new Date(Number(after[0])) } }, { occurredAt: new Date(Number(after[0])), id: { lt: String(after[1]) } }] }] }
          : {}),
      },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take: pageSize + 1,
    });
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return {
      violations: page.map((row) => violationToProto(row, at)),
      nextPageToken: rows.length > pageSize && last ? encodePageToken([last.occurredAt.getTime(), last.id]) : '',
    };
  },
});
