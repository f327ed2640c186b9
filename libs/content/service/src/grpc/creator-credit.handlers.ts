import {
  DeductCreatorCreditRequest,
  DeductCreatorCreditResponse,
  type GetCreatorCreditRequest,
  type GetCreatorCreditResponse,
  type ListPenaltiesRequest,
  type ListPenaltiesResponse,
} from '@govern/contracts-content';
import { sqlOverPrisma } from '@govern/platform-db';
import { INVALID, isInvalid, timeIdPageToken, type Checked, type RequestChecks } from '@govern/platform-grpc';
import type { Reason } from '@govern/policy-core';
import type { ContentPolicy } from '@govern/content-domain';
import { penaltyStates, severities } from '../mapping/enums';
import { deductionMessage, penaltyMessage } from '../mapping/messages';
import { deductCreditByOperator } from '../use-cases/manual-deduction';
import { listPenalties } from '../use-cases/queries';
import { contentChecks } from './content-checks';
import { creditOf, read, scopeOf, type Call, type ContentHandlerDeps } from './handler-kit';

const INVALID_CREATOR = 'CREATOR.INVALID_INPUT';

/** The reasons an operator gives with a deduction: a bounded list of bounded, storable reasons. */
const operatorReasons = (checks: RequestChecks, reasons: readonly Reason[], policy: ContentPolicy): Checked<Reason[]> => {
  if (isInvalid(checks.bounded('reasons', reasons, { maxItems: policy.limits.maxReasons, required: true }))) return INVALID;
  const evidenceLimits = { maxEntries: checks.limits.evidence.maxEntries, keyMaxChars: policy.limits.maxIdChars, valueMaxChars: policy.limits.maxReasonMessageChars };
  const checked = reasons.map((r, i) => ({
    code: checks.id(`reasons[${i}].code`, r.code),
    message: checks.text(`reasons[${i}].message`, r.message, policy.limits.maxReasonMessageChars),
    evidence: checks.evidence(`reasons[${i}].evidence`, r.evidence, evidenceLimits),
    weight: checks.number(`reasons[${i}].weight`, r.weight),
  }));
  return checked.some((r) => Object.values(r).some(isInvalid)) ? INVALID : [...reasons];
};

/** Creator credit: the standing, an operator's deduction, the penalties imposed. */
export const creatorCreditHandlers = (kit: ContentHandlerDeps) => {
  const { deps } = kit;
  const { policy } = deps;

  return {
    async getCreatorCredit(request: GetCreatorCreditRequest, call: Call): Promise<GetCreatorCreditResponse> {
      const checks = contentChecks(policy);
      const { creatorId } = checks.done({ creatorId: checks.id('creator_id', request.creatorId) }, INVALID_CREATOR);
      return { creatorCredit: await read(kit, call, (tx) => creditOf(sqlOverPrisma(tx), deps, creatorId, deps.clock.now())) };
    },

    async deductCreatorCredit(request: DeductCreatorCreditRequest, call: Call): Promise<DeductCreatorCreditResponse> {
      const checks = contentChecks(policy);
      const deduction = checks.done(
        {
          requestId: checks.requestId(request.requestId),
          creatorId: checks.id('creator_id', request.creatorId),
          operatorId: checks.id('operator_id', request.operatorId),
          contentId: checks.optionalId('content_id', request.contentId),
          livestreamId: checks.optionalId('livestream_id', request.livestreamId),
          severity: checks.enumValue('severity', severities, request.severity),
          reasons: operatorReasons(checks, request.reasons, policy),
        },
        INVALID_CREATOR,
      );
      const mutation = { scope: scopeOf('DeductCreatorCredit'), request, requestCodec: DeductCreatorCreditRequest, responseCodec: DeductCreatorCreditResponse, deadline: call.deadline };
      return kit.units.mutation(mutation, async (work) => {
        const imposed = await deductCreditByOperator(work, deduction);
        return DeductCreatorCreditResponse.fromPartial({
          deduction: imposed.deduction ? deductionMessage(imposed.deduction, work.now) : undefined,
          penalty: penaltyMessage(imposed.penalty),
          creatorCredit: await creditOf(work.sql, deps, deduction.creatorId, work.now),
        });
      });
    },

    async listPenalties(request: ListPenaltiesRequest, call: Call): Promise<ListPenaltiesResponse> {
      const checks = contentChecks(policy);
      const filter = checks.done({
        pageSize: checks.pageSize(request.pageSize),
        after: checks.pageToken(timeIdPageToken, request.pageToken),
        creatorId: checks.optionalId('creator_id', request.creatorId),
        contentId: checks.optionalId('content_id', request.contentId),
        state: checks.optionalEnum('state', penaltyStates, request.state),
      });
      const page = await read(kit, call, (tx) => listPenalties(tx, filter));
      return { penalties: page.items.map(penaltyMessage), nextPageToken: page.nextPageToken };
    },
  };
};
