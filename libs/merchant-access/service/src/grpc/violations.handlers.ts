import {
  DecideAppealRequest,
  DecideAppealResponse,
  FileAppealRequest,
  FileAppealResponse,
  RecordViolationRequest,
  RecordViolationResponse,
  type MerchantAccessServiceDefinition,
} from '@govern/contracts-merchant-access';
import { REVIEW_POLICY, VIOLATION_POLICY } from '@govern/merchant-access-domain';
import { DEFAULT_REQUEST_LIMITS, RequestChecks, timeIdPageToken, type GrpcServiceImplementation } from '@govern/platform-grpc';
import type { MerchantAccessDeps } from '../deps';
import { appealDecisionCodec, violationSourceCodec, violationStatusCodec, violationTypeCodec } from '../mapping/enums';
import { appealToProto, policyToProto, reasonsToProto, reviewCaseToProto, sanctionToProto, standingViewToProto, violationToProto } from '../mapping/resources';
import { decideAppeal, fileAppeal, getAppeal } from '../use-cases/appeals';
import { listViolations, recordViolation } from '../use-cases/violations';
import { mutation } from './handler-kit';

type Handlers = Required<GrpcServiceImplementation<typeof MerchantAccessServiceDefinition>>;

const violationLimits = VIOLATION_POLICY.limits;
/** Reporters' clocks drift: an occurred_at up to the policy's skew ahead of ours is accepted (and read as now). */
const VIOLATION_REQUEST_LIMITS = { ...DEFAULT_REQUEST_LIMITS, clockSkewMs: violationLimits.futureSkewMs };

/** Violations and the appeals against them. */
export const violationHandlers = (
  deps: MerchantAccessDeps,
): Pick<Handlers, 'recordViolation' | 'listViolations' | 'fileAppeal' | 'getAppeal' | 'decideAppeal'> => ({
  recordViolation: (request, context) =>
    mutation(
      deps,
      'RecordViolation',
      { request: RecordViolationRequest, response: RecordViolationResponse },
      request,
      context,
      () => {
        const now = deps.clock.now();
        const checks = new RequestChecks(VIOLATION_REQUEST_LIMITS);
        const requestId = checks.requestId(request.requestId);
        const merchantId = checks.id('merchant_id', request.merchantId);
        const type = checks.enumValue('type', violationTypeCodec, request.type);
        const source = checks.enumValue('source', violationSourceCodec, request.source);
        // Older than the points window, a violation would carry no points: a mistake, not a record.
        const occurredAt = checks.optionalTimestamp('occurred_at', request.occurredAt, { now, notBefore: new Date(now.getTime() - VIOLATION_POLICY.windowMs) });
        const sourceRef = checks.optionalText('source_ref', request.sourceRef, violationLimits.referenceMaxLength);
        const productId = checks.optionalText('product_id', request.productId, violationLimits.referenceMaxLength);
        // An OTHER violation says what it is.
        const description = checks.string('description', request.description, { maxChars: violationLimits.descriptionMaxLength, required: type === 'OTHER' });
        const evidence = checks.evidence('evidence', request.evidence, {
          maxEntries: violationLimits.maxEvidenceEntries,
          keyMaxChars: violationLimits.evidenceKeyMaxLength,
          valueMaxChars: violationLimits.evidenceValueMaxLength,
        });
        const valid = checks.done({ requestId, merchantId, type, source, occurredAt, sourceRef, productId, description, evidence }, 'MERCHANT.VIOLATION.INVALID');
        return { ...valid, occurredAt: valid.occurredAt ?? now };
      },
      async (work, command) => {
        const recorded = await recordViolation(work, deps, command, command.requestId);
        return {
          violation: violationToProto(recorded.violation, work.now),
          standing: recorded.standing ? standingViewToProto(recorded.standing) : undefined,
          sanction: recorded.sanction ? sanctionToProto(recorded.sanction) : undefined,
          removed: recorded.removed,
          depositForfeited: recorded.depositForfeitedFen > 0n,
          reasons: reasonsToProto(recorded.reasons),
          policy: policyToProto(recorded.policy),
        };
      },
    ),

  async listViolations(request) {
    const checks = new RequestChecks();
    const query = checks.done({
      merchantId: checks.id('merchant_id', request.merchantId),
      pageSize: checks.pageSize(request.pageSize),
      before: checks.pageToken(timeIdPageToken, request.pageToken),
      status: checks.optionalEnum('status', violationStatusCodec, request.status),
    });
    const at = deps.clock.now();
    const page = await listViolations(deps.db, { ...query, at });
    return { violations: page.items.map((row) => violationToProto(row, at)), nextPageToken: page.nextPageToken };
  },

  fileAppeal: (request, context) =>
    mutation(
      deps,
      'FileAppeal',
      { request: FileAppealRequest, response: FileAppealResponse },
      request,
      context,
      () => {
        const limits = REVIEW_POLICY.limits;
        const checks = new RequestChecks();
        return checks.done(
          {
            requestId: checks.requestId(request.requestId),
            violationId: checks.id('violation_id', request.violationId),
            merchantId: checks.id('merchant_id', request.merchantId),
            statement: checks.text('statement', request.statement, limits.statementMaxLength),
            evidenceRefs: checks.idList('evidence_refs', request.evidenceRefs, { maxItems: limits.maxEvidenceRefs, maxChars: 500 }),
          },
          'MERCHANT.APPEAL.INVALID',
        );
      },
      async (work, command) => {
        const filed = await fileAppeal(work, command);
        return { appeal: appealToProto(filed.appeal), reviewCase: reviewCaseToProto(filed.reviewCase, work.now) };
      },
    ),

  async getAppeal(request) {
    const checks = new RequestChecks();
    const { appealId } = checks.done({ appealId: checks.id('appeal_id', request.appealId) });
    return { appeal: appealToProto(await getAppeal(deps.db, appealId)) };
  },

  decideAppeal: (request, context) =>
    mutation(
      deps,
      'DecideAppeal',
      { request: DecideAppealRequest, response: DecideAppealResponse },
      request,
      context,
      () => {
        const checks = new RequestChecks();
        return checks.done(
          {
            requestId: checks.requestId(request.requestId),
            appealId: checks.id('appeal_id', request.appealId),
            reviewerId: checks.id('reviewer_id', request.reviewerId),
            decision: checks.enumValue('decision', appealDecisionCodec, request.decision),
            note: checks.optionalText('note', request.note, REVIEW_POLICY.limits.noteMaxLength),
          },
          'MERCHANT.APPEAL.INVALID',
        );
      },
      async (work, command) => {
        const decided = await decideAppeal(work, command);
        return { appeal: appealToProto(decided.appeal), standing: decided.standing ? standingViewToProto(decided.standing) : undefined };
      },
    ),
});
