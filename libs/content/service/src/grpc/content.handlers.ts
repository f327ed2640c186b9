import type { ContentTx, PrismaClient } from '@govern/content-data-access';
import type { EngagementFigures } from '@govern/content-domain';
import {
  AppealOutcome,
  AssessVideoRequest,
  AssessVideoResponse,
  DecideAppealRequest,
  DecideAppealResponse,
  DeductCreatorCreditRequest,
  DeductCreatorCreditResponse,
  EndLivestreamRequest,
  EndLivestreamResponse,
  FileAppealRequest,
  FileAppealResponse,
  ReassessContentRequest,
  ReassessContentResponse,
  StartLivestreamRequest,
  StartLivestreamResponse,
  type ContentServiceImplementation,
  type EngagementMetrics,
} from '@govern/contracts-content';
import type { GrpcCallContextExt } from '@govern/platform-grpc';
import { runMutation } from '@govern/platform-runtime';
import { ValidationError } from '@govern/policy-core';
import type { ContentDeps } from '../context';
import { EventBatch } from '../events/event-batch';
import type { LivestreamSessions } from '../live/livestream-sessions';
import { appealStateFromProto, linkStateToProto, livestreamStateToProto, liveLevelToProto, penaltyStateFromProto, severityFromProto, tierFromProto, triggerFromProto } from '../mapping/enums';
import { appealMessage, assessmentMessage, creatorCreditMessage, deductionMessage, livestreamMessage, penaltyMessage, violationMessage } from '../mapping/messages';
import { decideAppeal, fileAppeal } from '../use-cases/appeals';
import { assessSubmittedContent, reassessStoredContent, type AssessmentOutcome } from '../use-cases/assess-content-item';
import { loadContentItemView, viewMessage } from '../use-cases/content-view';
import { currentStanding } from '../use-cases/creator-standing';
import { governanceStats } from '../use-cases/governance-stats';
import { endLivestream, getLivestream, startLivestream } from '../use-cases/livestreams';
import { deductCreditByOperator } from '../use-cases/manual-deduction';
import { listAppeals, listContentItems, listPenalties } from '../use-cases/queries';
import {
  validateAssessVideo,
  validateDecideAppeal,
  validateDeductCreatorCredit,
  validateFileAppeal,
  validateId,
  validateListFilters,
  validateMutationOf,
  validateReassessContent,
  validateStartLivestream,
  validateStatsWindow,
} from '../validation/requests';
import { streamLivestreamSignals } from './livestream-stream';

export interface ContentHandlerDeps {
  db: PrismaClient;
  deps: ContentDeps;
  sessions: LivestreamSessions;
  eventsWritten: () => void;
}

const engagementOf = (m: EngagementMetrics | undefined): EngagementFigures | undefined =>
  m ? { views: Number(m.views), completionRate: m.completionRate, likes: Number(m.likes), comments: Number(m.comments), shares: Number(m.shares) } : undefined;

/** An enum filter: unset means no filter; a value this service does not know is bad input. */
const enumFilter = <T>(field: string, value: number, parse: (v: number) => T | undefined): T | undefined => {
  if (value === 0) return undefined;
  const parsed = parse(value);
  if (parsed === undefined) throw new ValidationError([{ field, description: 'is not a known value', reason: 'INVALID_ENUM' }], 'REQUEST.INVALID_FILTER');
  return parsed;
};

/** The gRPC edge: validate, run the use case (mutations through runMutation), map to the v1 messages. */
export const createContentHandlers = ({ db, deps, sessions, eventsWritten }: ContentHandlerDeps): ContentServiceImplementation<GrpcCallContextExt> => {
  const { policy } = deps;

  const assessmentBody = async (tx: ContentTx, outcome: AssessmentOutcome) => ({
    contentItem: viewMessage({ item: outcome.item, links: outcome.links, latest: outcome.assessment, activePenaltyIds: outcome.activePenaltyIds }),
    assessment: assessmentMessage(outcome.assessment),
    penalties: outcome.penalty ? [penaltyMessage(outcome.penalty.penalty)] : [],
    creatorCredit: await creditOf(tx, outcome.item.creatorId),
  });

  const creditOf = async (tx: ContentTx, creatorId: string) => {
    const { standing, deductions } = await currentStanding(tx, deps, creatorId);
    return creatorCreditMessage(creatorId, standing, deductions, deps.clock.now());
  };

  return {
    async assessVideo(request, context) {
      validateAssessVideo(request, policy);
      const response = await runMutation(
        db,
        { scope: 'content.AssessVideo', request, requestCodec: AssessVideoRequest, responseCodec: AssessVideoResponse, deadline: context.deadline },
        async (tx) => {
          const events = new EventBatch(deps, { causationId: request.requestId });
          const outcome = await assessSubmittedContent(tx, deps, events, {
            contentId: request.contentId,
            kind: 'SHORT_VIDEO',
            creatorId: request.creatorId,
            text: { title: request.title, captions: request.captions, transcript: request.transcript },
            links: request.linkedProducts.map((l) => ({ productId: l.productId, merchantId: l.merchantId })),
            mediaFingerprint: request.mediaFingerprint || undefined,
            engagement: engagementOf(request.engagement),
            trigger: 'PUBLISH',
          });
          const body = await assessmentBody(tx, outcome);
          await events.write(tx);
          return AssessVideoResponse.fromPartial(body);
        },
      );
      eventsWritten();
      return response;
    },

    async getContentItem(request) {
      validateId('content_id', request.contentId, policy);
      return { contentItem: viewMessage(await loadContentItemView(db, request.contentId)) };
    },

    async listContentItems(request) {
      validateListFilters({ creator_id: request.creatorId, product_id: request.productId }, policy);
      const tier = enumFilter('tier', request.tier, tierFromProto);
      const page = await listContentItems(db, { pageSize: request.pageSize, pageToken: request.pageToken, creatorId: request.creatorId, productId: request.productId, tier });
      return { contentItems: page.rows, nextPageToken: page.nextPageToken };
    },

    async reassessContent(request, context) {
      validateReassessContent(request, policy);
      const trigger = triggerFromProto(request.trigger) as 'COMPLAINT' | 'SIGNAL_UPDATE' | 'MANUAL';
      const response = await runMutation(
        db,
        { scope: 'content.ReassessContent', request, requestCodec: ReassessContentRequest, responseCodec: ReassessContentResponse, deadline: context.deadline },
        async (tx) => {
          const events = new EventBatch(deps, { causationId: request.requestId });
          if (trigger === 'COMPLAINT') {
            await tx.$executeRawUnsafe(
              `INSERT INTO content_complaints (complaint_id, content_id, category, received_at)
               SELECT $1, $2, 'OTHER', $3 WHERE EXISTS (SELECT 1 FROM content_items WHERE content_id = $2) ON CONFLICT DO NOTHING`,
              request.complaintId,
              request.contentId,
              deps.clock.now(),
            );
          }
          const outcome = await reassessStoredContent(tx, deps, events, {
            contentId: request.contentId,
            trigger,
            complaintId: request.complaintId || undefined,
            note: request.note || undefined,
          });
          const body = await assessmentBody(tx, outcome);
          await events.write(tx);
          return ReassessContentResponse.fromPartial({ contentItem: body.contentItem, assessment: body.assessment, penalties: body.penalties });
        },
      );
      eventsWritten();
      return response;
    },

    async startLivestream(request, context) {
      validateStartLivestream(request, policy);
      const response = await runMutation(
        db,
        { scope: 'content.StartLivestream', request, requestCodec: StartLivestreamRequest, responseCodec: StartLivestreamResponse, deadline: context.deadline },
        async (tx) => {
          const events = new EventBatch(deps, { causationId: request.requestId });
          const started = await startLivestream(tx, deps, events, {
            livestreamId: request.livestreamId,
            creatorId: request.creatorId,
            title: request.title,
            links: request.linkedProducts.map((l) => ({ productId: l.productId, merchantId: l.merchantId })),
          });
          await events.write(tx);
          return StartLivestreamResponse.fromPartial({ livestream: livestreamMessage(started.livestream, started.links), refusedLinks: started.refused.map(violationMessage) });
        },
      );
      eventsWritten();
      const live = response.livestream;
      if (live && live.state === livestreamStateToProto('LIVE')) {
        sessions.register({
          livestreamId: live.livestreamId,
          contentId: live.livestreamId,
          creatorId: live.creatorId,
          tierWeight: live.trafficWeight,
          productIds: live.productLinks.filter((l) => l.state === linkStateToProto('ACTIVE')).map((l) => l.productId),
        });
      }
      return response;
    },

    async endLivestream(request, context) {
      validateMutationOf(request, 'livestream_id', request.livestreamId, policy, 'LIVESTREAM.INVALID_INPUT');
      return sessions.end(request.livestreamId, (pending) =>
        runMutation(
          db,
          { scope: 'content.EndLivestream', request, requestCodec: EndLivestreamRequest, responseCodec: EndLivestreamResponse, deadline: context.deadline },
          async (tx) => {
            const ended = await endLivestream(tx, deps, request.livestreamId, pending);
            return EndLivestreamResponse.fromPartial({ livestream: livestreamMessage(ended.livestream, ended.links) });
          },
        ),
      );
    },

    async getLivestream(request) {
      validateId('livestream_id', request.livestreamId, policy, 'LIVESTREAM.INVALID_INPUT');
      const { livestream, links } = await getLivestream(db, request.livestreamId);
      const message = livestreamMessage(livestream, links);
      // This replica may have applied signals its last snapshot does not hold yet.
      const fresher = livestream.state === 'LIVE' ? sessions.peek(request.livestreamId) : undefined;
      if (fresher && BigInt(fresher.lastSequence) > message.lastClientSequence) {
        message.lastClientSequence = BigInt(fresher.lastSequence);
        message.warnings = fresher.warnings;
        message.level = liveLevelToProto(fresher.level);
      }
      return { livestream: message };
    },

    streamLivestreamSignals: (requests, context) => streamLivestreamSignals(sessions, requests, context),

    async getCreatorCredit(request) {
      validateId('creator_id', request.creatorId, policy, 'CREATOR.INVALID_INPUT');
      return { creatorCredit: await creditOf(db, request.creatorId) };
    },

    async deductCreatorCredit(request, context) {
      validateDeductCreatorCredit(request, policy);
      const severity = severityFromProto(request.severity);
      if (!severity) throw new ValidationError([{ field: 'severity', description: 'must be LOW, MEDIUM, HIGH or CRITICAL', reason: 'INVALID_ENUM' }]);
      const response = await runMutation(
        db,
        { scope: 'content.DeductCreatorCredit', request, requestCodec: DeductCreatorCreditRequest, responseCodec: DeductCreatorCreditResponse, deadline: context.deadline },
        async (tx) => {
          const events = new EventBatch(deps, { causationId: request.requestId });
          const imposed = await deductCreditByOperator(tx, deps, events, {
            creatorId: request.creatorId,
            severity,
            contentId: request.contentId,
            livestreamId: request.livestreamId,
            operatorId: request.operatorId,
            reasons: request.reasons,
          });
          const credit = await creditOf(tx, request.creatorId);
          await events.write(tx);
          return DeductCreatorCreditResponse.fromPartial({
            deduction: imposed.deduction ? deductionMessage(imposed.deduction, deps.clock.now()) : undefined,
            penalty: penaltyMessage(imposed.penalty),
            creatorCredit: credit,
          });
        },
      );
      eventsWritten();
      return response;
    },

    async listPenalties(request) {
      validateListFilters({ creator_id: request.creatorId, content_id: request.contentId }, policy);
      const state = enumFilter('state', request.state, penaltyStateFromProto);
      const page = await listPenalties(db, { pageSize: request.pageSize, pageToken: request.pageToken, creatorId: request.creatorId, contentId: request.contentId, state });
      return { penalties: page.rows.map(penaltyMessage), nextPageToken: page.nextPageToken };
    },

    async fileAppeal(request, context) {
      validateFileAppeal(request, policy);
      return runMutation(
        db,
        { scope: 'content.FileAppeal', request, requestCodec: FileAppealRequest, responseCodec: FileAppealResponse, deadline: context.deadline },
        async (tx) => FileAppealResponse.fromPartial({ appeal: appealMessage(await fileAppeal(tx, deps, request)) }),
      );
    },

    async listAppeals(request) {
      validateListFilters({ creator_id: request.creatorId }, policy);
      const state = enumFilter('state', request.state, appealStateFromProto);
      const page = await listAppeals(db, { pageSize: request.pageSize, pageToken: request.pageToken, creatorId: request.creatorId, state });
      return { appeals: page.rows.map(appealMessage), nextPageToken: page.nextPageToken };
    },

    async decideAppeal(request, context) {
      validateDecideAppeal(request, policy);
      const response = await runMutation(
        db,
        { scope: 'content.DecideAppeal', request, requestCodec: DecideAppealRequest, responseCodec: DecideAppealResponse, deadline: context.deadline },
        async (tx) => {
          const events = new EventBatch(deps, { causationId: request.requestId });
          const decision = await decideAppeal(tx, deps, events, {
            appealId: request.appealId,
            outcome: request.outcome === AppealOutcome.APPEAL_OUTCOME_OVERTURN ? 'OVERTURN' : 'UPHOLD',
            reviewerId: request.reviewerId,
            note: request.note,
          });
          const credit = await creditOf(tx, decision.creatorId);
          await events.write(tx);
          return DecideAppealResponse.fromPartial({
            appeal: appealMessage(decision.appeal),
            penalty: penaltyMessage(decision.penalty),
            contentItem: decision.item && request.outcome === AppealOutcome.APPEAL_OUTCOME_OVERTURN ? viewMessage(decision.item) : undefined,
            creatorCredit: credit,
          });
        },
      );
      eventsWritten();
      return response;
    },

    async getGovernanceStats(request) {
      const { start, end } = validateStatsWindow(request, deps.clock.now(), policy);
      return governanceStats(db, policy, start, end);
    },
  };
};
