import {
  DecideAppealRequest,
  DecideAppealResponse,
  FileAppealRequest,
  FileAppealResponse,
  type GetAppealRequest,
  type GetAppealResponse,
  type ListAppealsRequest,
  type ListAppealsResponse,
} from '@govern/contracts-content';
import { timeIdPageToken } from '@govern/platform-grpc';
import { appealOutcomes, appealStates } from '../mapping/enums';
import { appealMessage, penaltyMessage, viewMessage } from '../mapping/messages';
import { decideAppeal, fileAppeal } from '../use-cases/appeals';
import { getAppeal, listAppeals } from '../use-cases/queries';
import { contentChecks } from './content-checks';
import { creditOf, read, scopeOf, type Call, type ContentHandlerDeps } from './handler-kit';

const INVALID_APPEAL = 'APPEAL.INVALID_INPUT';

/** Appeals: a creator files one against a penalty, a reviewer decides it; the review queue. */
export const appealHandlers = (kit: ContentHandlerDeps) => {
  const { deps } = kit;
  const { policy } = deps;

  return {
    async fileAppeal(request: FileAppealRequest, call: Call): Promise<FileAppealResponse> {
      const checks = contentChecks(policy);
      const appeal = checks.done(
        {
          requestId: checks.requestId(request.requestId),
          penaltyId: checks.id('penalty_id', request.penaltyId),
          creatorId: checks.id('creator_id', request.creatorId),
          statement: checks.text('statement', request.statement, policy.limits.maxStatementChars),
          evidenceRefs: checks.idList('evidence_refs', request.evidenceRefs, { maxItems: policy.limits.maxEvidenceRefs, maxChars: policy.limits.maxEvidenceRefChars }),
        },
        INVALID_APPEAL,
      );
      const mutation = { scope: scopeOf('FileAppeal'), request, requestCodec: FileAppealRequest, responseCodec: FileAppealResponse, deadline: call.deadline };
      return kit.units.mutation(mutation, async (work) => FileAppealResponse.fromPartial({ appeal: appealMessage(await fileAppeal(work, appeal)) }));
    },

    async listAppeals(request: ListAppealsRequest, call: Call): Promise<ListAppealsResponse> {
      const checks = contentChecks(policy);
      const filter = checks.done({
        pageSize: checks.pageSize(request.pageSize),
        after: checks.pageToken(timeIdPageToken, request.pageToken),
        creatorId: checks.optionalId('creator_id', request.creatorId),
        state: checks.optionalEnum('state', appealStates, request.state),
      });
      const page = await read(kit, call, (tx) => listAppeals(tx, filter));
      return { appeals: page.items.map(appealMessage), nextPageToken: page.nextPageToken };
    },

    async getAppeal(request: GetAppealRequest, call: Call): Promise<GetAppealResponse> {
      const checks = contentChecks(policy);
      const { appealId } = checks.done({ appealId: checks.id('appeal_id', request.appealId) }, INVALID_APPEAL);
      return { appeal: appealMessage(await read(kit, call, (tx) => getAppeal(tx, appealId))) };
    },

    async decideAppeal(request: DecideAppealRequest, call: Call): Promise<DecideAppealResponse> {
      const checks = contentChecks(policy);
      const decision = checks.done(
        {
          requestId: checks.requestId(request.requestId),
          appealId: checks.id('appeal_id', request.appealId),
          reviewerId: checks.id('reviewer_id', request.reviewerId),
          outcome: checks.enumValue('outcome', appealOutcomes, request.outcome),
          note: checks.optionalText('note', request.note),
        },
        INVALID_APPEAL,
      );
      const mutation = { scope: scopeOf('DecideAppeal'), request, requestCodec: DecideAppealRequest, responseCodec: DecideAppealResponse, deadline: call.deadline };
      return kit.units.mutation(mutation, async (work) => {
        const decided = await decideAppeal(work, decision);
        return DecideAppealResponse.fromPartial({
          appeal: appealMessage(decided.appeal),
          penalty: penaltyMessage(decided.penalty),
          contentItem: decided.item && decision.outcome === 'OVERTURN' ? viewMessage(decided.item) : undefined,
          creatorCredit: await creditOf(work.sql, deps, decided.creatorId, work.now),
        });
      });
    },
  };
};
