import {
  ClaimReviewCaseRequest,
  ClaimReviewCaseResponse,
  DecideReviewCaseRequest,
  DecideReviewCaseResponse,
  ListReviewCasesRequest,
  ListReviewCasesResponse,
  MerchantApplicationRejectedEvent,
} from '@govern/contracts-merchant-access';
import type { MerchantAccessTx, Prisma, ReviewCaseRow } from '@govern/merchant-access-data-access';
import {
  claimReviewCase,
  decideReviewCase,
  describePath,
  REVIEW_POLICY,
  type GraphIdentifier,
  type IdentifierKind,
} from '@govern/merchant-access-domain';
import { appendToOutbox, toOutgoing } from '@govern/platform-events';
import { runMutation } from '@govern/platform-runtime';
import { failedPrecondition, notFound, reason, Violations } from '@govern/policy-core';
import { reviewCaseStateOf } from '../adapters/records';
import { reviewCaseKindCodec, reviewCaseStatusCodec, reviewDecisionCodec } from '../mapping/enums';
import { reasonsOf, stringsOf, toJson } from '../mapping/json';
import { decodePageToken, encodePageToken } from '../mapping/page-token';
import { applicationToProto, merchantTermsToProto, policyToProto, reasonsToProto, reviewCaseToProto } from '../mapping/resources';
import { metaFor, type CallInfo, type MerchantAccessDeps } from './deps';
import { merchantViews } from './merchants';
import { onboardMerchant, reviewerTerms } from './onboarding';
import { mutationViolations, pageSizeOf, requireId } from './validation';

/** Locks a case for the rest of the transaction and reads it; NOT_FOUND when unknown. */
export const lockReviewCase = async (tx: MerchantAccessTx, caseId: string): Promise<ReviewCaseRow> => {
  await tx.$queryRawUnsafe(`SELECT id FROM review_cases WHERE id = $1 FOR UPDATE`, caseId);
  const row = await tx.reviewCase.findUnique({ where: { id: caseId } });
  if (!row) throw notFound('REVIEW_CASE.NOT_FOUND', `no review case ${caseId}`, { case_id: caseId });
  return row;
};

export const createReviewCases = (deps: MerchantAccessDeps) => {
  const listReviewCases = async (request: ListReviewCasesRequest): Promise<ListReviewCasesResponse> => {
    const v = new Violations();
    const pageSize = pageSizeOf(v, request.pageSize);
    const after = decodePageToken(v, request.pageToken);
    const status = request.status === 0 ? undefined : reviewCaseStatusCodec.fromProto(request.status);
    v.check(request.status === 0 || status !== undefined, 'status', 'is not a review case status', 'INVALID_ENUM');
    const kind = request.kind === 0 ? undefined : reviewCaseKindCodec.fromProto(request.kind);
    v.check(request.kind === 0 || kind !== undefined, 'kind', 'is not a review case kind', 'INVALID_ENUM');
    v.maxLength('assignee_id', request.assigneeId, 128);
    v.throwIfAny();
    const at = deps.clock.now();
    const where: Prisma.ReviewCaseWhereInput = {
      ...(status ? { status } : {}),
      ...(kind ? { kind } : {}),
      ...(request.assigneeId ? { assigneeId: request.assigneeId } : {}),
      ...(request.overdueOnly ? { status: status ?? { not: 'DECIDED' }, slaDueAt: { lte: at } } : {}),
      ...(after
        ? { AND: [{ OR: [{ slaDueAt: { gt: new Date(Number(after[0])) } }, { slaDueAt: new Date(Number(after[0])), id: { gt: String(after[1]) } }] }] }
        : {}),
    };
    const rows = await deps.db.reviewCase.findMany({ where, orderBy: [{ slaDueAt: 'asc' }, { id: 'asc' }], take: pageSize + 1 });
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return {
      reviewCases: page.map((row) => reviewCaseToProto(row, at)),
      nextPageToken: rows.length > pageSize && last ? encodePageToken([last.slaDueAt.getTime(), last.id]) : '',
    };
  };

  const claim = async (request: ClaimReviewCaseRequest, call: CallInfo): Promise<ClaimReviewCaseResponse> => {
    const v = mutationViolations(request.requestId);
    requireId(v, 'case_id', request.caseId);
    requireId(v, 'reviewer_id', request.reviewerId);
    v.throwIfAny();
    return runMutation(
      deps.db,
      { scope: 'merchant_access.ClaimReviewCase', request, requestCodec: ClaimReviewCaseRequest, responseCodec: ClaimReviewCaseResponse, deadline: call.deadline },
      async (tx) => {
        const now = deps.clock.now();
        const row = await lockReviewCase(tx, request.caseId);
        const claimed = claimReviewCase(reviewCaseStateOf(row), request.reviewerId, now);
        const updated = await tx.reviewCase.update({
          where: { id: row.id },
          data: { status: claimed.status, assigneeId: claimed.assigneeId ?? null, claimedAt: claimed.claimedAt ?? null },
        });
        return { reviewCase: reviewCaseToProto(updated, now) };
      },
    );
  };

  const decide = async (request: DecideReviewCaseRequest, call: CallInfo): Promise<DecideReviewCaseResponse> => {
    const v = mutationViolations(request.requestId);
    requireId(v, 'case_id', request.caseId);
    requireId(v, 'reviewer_id', request.reviewerId);
    const decision = reviewDecisionCodec.fromProto(request.decision);
    v.check(decision !== undefined, 'decision', 'is required: approve, approve with restrictions or reject', 'REQUIRED');
    v.maxLength('note', request.note, REVIEW_POLICY.limits.noteMaxLength);
    if (decision === 'REJECT') v.require('note', request.note);
    v.throwIfAny('MERCHANT.REVIEW.INVALID');
    let onboarded: { merchantId: string; identifiers: GraphIdentifier[] } | undefined;

    const response = await runMutation(
      deps.db,
      { scope: 'merchant_access.DecideReviewCase', request, requestCodec: DecideReviewCaseRequest, responseCodec: DecideReviewCaseResponse, deadline: call.deadline },
      async (tx) => {
        const now = deps.clock.now();
        const caseRow = await lockReviewCase(tx, request.caseId);
        if (caseRow.kind !== 'APPLICATION' || !caseRow.applicationId) {
          throw failedPrecondition('REVIEW_CASE.WRONG_KIND', 'appeal cases are decided with DecideAppeal', { case_id: caseRow.id, subject: caseRow.id });
        }
        const decided = decideReviewCase(reviewCaseStateOf(caseRow), request.reviewerId, now);
        const application = await tx.application.findUniqueOrThrow({ where: { id: caseRow.applicationId }, include: { identifiers: true } });
        const applicationReasons = reasonsOf(application.reasons);
        const reviewerReason = reason(`MERCHANT.REVIEW.${decision}`, `review case ${caseRow.id} decided ${decision} by ${request.reviewerId}`, {
          case_id: caseRow.id,
          reviewer_id: request.reviewerId,
          sla_breached: String(decided.slaBreached),
        });
        const reasons = [...applicationReasons, reviewerReason];
        const policy = { name: application.policyName, version: application.policyVersion };

        let merchantRow;
        if (decision === 'APPROVE' || decision === 'APPROVE_WITH_RESTRICTIONS') {
          const identifiers: GraphIdentifier[] = application.identifiers.map((i) => ({ kind: i.kind as IdentifierKind, key: i.hash }));
          // The graph may have changed while the case waited: a merchant linked since then may have been removed.
          await deps.ring.catchUp(tx);
          const critical = deps.ring.check(identifiers).links.find((l) => l.status === 'REMOVED');
          if (critical) {
            throw failedPrecondition('REVIEW_CASE.RING_REMOVED', `the applicant is now linked to removed merchant ${critical.merchantId}`, {
              case_id: caseRow.id,
              subject: caseRow.applicationId,
              merchant_id: critical.merchantId,
              path: describePath(critical),
            });
          }
          const terms = reviewerTerms(decision, stringsOf(application.approvableCategoryCodes));
          if (terms.approvedCategoryCodes.length === 0) {
            throw failedPrecondition('REVIEW_CASE.NO_APPROVABLE_CATEGORY', 'no category applied for can be approved with the qualifications submitted', {
              case_id: caseRow.id,
              subject: caseRow.applicationId,
            });
          }
          const merchantId = deps.ids.next();
          merchantRow = await onboardMerchant(tx, deps, {
            merchantId,
            application,
            band: decision,
            terms,
            identifiers,
            riskScore: application.riskScore,
            reasons,
            policy,
            causationId: request.requestId,
            at: now,
          });
          onboarded = { merchantId, identifiers };
        } else {
          await appendToOutbox(tx, [
            toOutgoing(MerchantApplicationRejectedEvent, {
              meta: metaFor(deps, request.requestId),
              applicationId: application.id,
              riskScore: application.riskScore,
              reasons: reasonsToProto(reasons),
              policy: policyToProto(policy),
              ringLink: false,
              reviewCaseId: caseRow.id,
            }),
          ]);
        }

        const updatedApplication = await tx.application.update({
          where: { id: application.id },
          data: {
            status: merchantRow ? 'APPROVED' : 'REJECTED',
            closedAt: now,
            merchantId: merchantRow?.id ?? null,
            reasons: toJson(reasons),
          },
        });
        const updatedCase = await tx.reviewCase.update({
          where: { id: caseRow.id },
          data: { status: decided.reviewCase.status, decidedAt: now, reviewDecision: decision, note: request.note, slaBreached: decided.slaBreached },
        });
        return {
          reviewCase: reviewCaseToProto(updatedCase, now),
          application: applicationToProto(updatedApplication, merchantTermsToProto(merchantRow)),
          merchant: merchantRow ? (await merchantViews(tx, [merchantRow], now))[0] : undefined,
        };
      },
    );
    deps.eventsWritten();
    if (onboarded) deps.ring.addMerchant(onboarded.merchantId, onboarded.identifiers);
    return response;
  };

  return { listReviewCases, claimReviewCase: claim, decideReviewCase: decide };
};
