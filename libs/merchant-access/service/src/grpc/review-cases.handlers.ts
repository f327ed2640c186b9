import {
  ClaimReviewCaseRequest,
  ClaimReviewCaseResponse,
  DecideReviewCaseRequest,
  DecideReviewCaseResponse,
  type MerchantAccessServiceDefinition,
} from '@govern/contracts-merchant-access';
import { REVIEW_POLICY } from '@govern/merchant-access-domain';
import { RequestChecks, timeIdPageToken, type GrpcServiceImplementation } from '@govern/platform-grpc';
import type { MerchantAccessDeps } from '../deps';
import { reviewCaseKindCodec, reviewCaseStatusCodec, reviewDecisionCodec } from '../mapping/enums';
import { applicationToProto, merchantTermsToProto, merchantViewToProto, reviewCaseToProto } from '../mapping/resources';
import { claimReviewCase, decideReviewCase, getReviewCase, listReviewCases } from '../use-cases/review-cases';
import { mutation } from './handler-kit';

type Handlers = Required<GrpcServiceImplementation<typeof MerchantAccessServiceDefinition>>;

/** The reviewers' queue of application cases: list, read one, claim, decide. */
export const reviewCaseHandlers = (deps: MerchantAccessDeps): Pick<Handlers, 'listReviewCases' | 'getReviewCase' | 'claimReviewCase' | 'decideReviewCase'> => ({
  async listReviewCases(request) {
    const checks = new RequestChecks();
    const query = checks.done({
      pageSize: checks.pageSize(request.pageSize),
      after: checks.pageToken(timeIdPageToken, request.pageToken),
      status: checks.optionalEnum('status', reviewCaseStatusCodec, request.status),
      kind: checks.optionalEnum('kind', reviewCaseKindCodec, request.kind),
      assigneeId: checks.optionalId('assignee_id', request.assigneeId),
    });
    const at = deps.clock.now();
    const page = await listReviewCases(deps.db, { ...query, overdueOnly: request.overdueOnly, at });
    return { reviewCases: page.items.map((row) => reviewCaseToProto(row, at)), nextPageToken: page.nextPageToken };
  },

  async getReviewCase(request) {
    const checks = new RequestChecks();
    const { caseId } = checks.done({ caseId: checks.id('case_id', request.caseId) });
    return { reviewCase: reviewCaseToProto(await getReviewCase(deps.db, caseId), deps.clock.now()) };
  },

  claimReviewCase: (request, context) =>
    mutation(
      deps,
      'ClaimReviewCase',
      { request: ClaimReviewCaseRequest, response: ClaimReviewCaseResponse },
      request,
      context,
      () => {
        const checks = new RequestChecks();
        return checks.done({
          requestId: checks.requestId(request.requestId),
          caseId: checks.id('case_id', request.caseId),
          reviewerId: checks.id('reviewer_id', request.reviewerId),
        });
      },
      async (work, command) => ({ reviewCase: reviewCaseToProto(await claimReviewCase(work, command), work.now) }),
    ),

  decideReviewCase: (request, context) =>
    mutation(
      deps,
      'DecideReviewCase',
      { request: DecideReviewCaseRequest, response: DecideReviewCaseResponse },
      request,
      context,
      () => {
        const checks = new RequestChecks();
        const requestId = checks.requestId(request.requestId);
        const caseId = checks.id('case_id', request.caseId);
        const reviewerId = checks.id('reviewer_id', request.reviewerId);
        const decision = checks.enumValue('decision', reviewDecisionCodec, request.decision);
        // A rejection is explained to the applicant: its note is required.
        const note = checks.string('note', request.note, { maxChars: REVIEW_POLICY.limits.noteMaxLength, required: decision === 'REJECT' });
        return checks.done({ requestId, caseId, reviewerId, decision, note }, 'MERCHANT.REVIEW.INVALID');
      },
      async (work, command) => {
        const decided = await decideReviewCase(work, deps, command);
        return {
          reviewCase: reviewCaseToProto(decided.reviewCase, work.now),
          application: applicationToProto(decided.application, merchantTermsToProto(decided.merchant?.view.row)),
          merchant: decided.merchant ? merchantViewToProto(decided.merchant.view) : undefined,
        };
      },
    ),
});
