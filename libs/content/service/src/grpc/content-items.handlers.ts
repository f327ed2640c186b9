import { validateContentInput } from '@govern/content-domain';
import {
  AssessVideoRequest,
  AssessVideoResponse,
  ReassessContentRequest,
  ReassessContentResponse,
  type GetContentItemRequest,
  type GetContentItemResponse,
  type ListContentItemsRequest,
  type ListContentItemsResponse,
} from '@govern/contracts-content';
import { timeIdPageToken } from '@govern/platform-grpc';
import { contentTiers, triggers } from '../mapping/enums';
import { assessmentMessage, creatorCreditMessage, penaltyMessage, viewMessage } from '../mapping/messages';
import { assessSubmittedContent, reassessForCaller, type AssessmentOutcome } from '../use-cases/assess-content-item';
import { loadContentItemView } from '../use-cases/content-view';
import { listContentItems } from '../use-cases/queries';
import { contentChecks, engagementFigures, linkedProducts, storableText } from './content-checks';
import { creditOf, read, scopeOf, type Call, type ContentHandlerDeps } from './handler-kit';
import type { Work } from '../use-cases/work';

/** Triggers a caller may ask for; publish, cascade and appeal re-assessments are the service's own. */
const CALLER_TRIGGERS = ['COMPLAINT', 'SIGNAL_UPDATE', 'MANUAL'] as const;

/** Short videos: assessment at publish, re-assessment on request, reads. */
export const contentItemHandlers = (kit: ContentHandlerDeps) => {
  const { deps } = kit;
  const { policy } = deps;

  const assessmentBody = (outcome: AssessmentOutcome) => ({
    contentItem: viewMessage({ item: outcome.item, links: outcome.links, latest: outcome.assessment, activePenaltyIds: outcome.activePenaltyIds }),
    assessment: assessmentMessage(outcome.assessment),
    penalties: outcome.penalty ? [penaltyMessage(outcome.penalty.penalty)] : [],
  });

  /**
   * The creator's credit after the assessment: as the assessment read it before deciding, unless it
   * imposed a penalty (which may have deducted credit), when the deductions are read again.
   */
  const creditAfter = async (work: Work, outcome: AssessmentOutcome) =>
    outcome.penalty
      ? creditOf(work.sql, deps, outcome.item.creatorId, work.now)
      : creatorCreditMessage(outcome.item.creatorId, outcome.standingRead.standing, outcome.standingRead.deductions, work.now);

  return {
    async assessVideo(request: AssessVideoRequest, call: Call): Promise<AssessVideoResponse> {
      const checks = contentChecks(policy);
      // The domain's rules for what can be assessed (ids and text present, bounded, links unique).
      checks.absorb(() => validateContentInput({ ...request }, policy));
      const video = checks.done(
        {
          requestId: checks.requestId(request.requestId),
          contentId: checks.string('content_id', request.contentId, { required: false, maxChars: policy.limits.maxIdChars }),
          creatorId: checks.string('creator_id', request.creatorId, { required: false, maxChars: policy.limits.maxIdChars }),
          title: storableText(checks, 'title', request.title),
          captions: storableText(checks, 'captions', request.captions),
          transcript: storableText(checks, 'transcript', request.transcript),
          links: linkedProducts(checks, request.linkedProducts, policy, { complete: false }),
          mediaFingerprint: checks.optionalText('media_fingerprint', request.mediaFingerprint, policy.limits.maxFingerprintChars),
          engagement: engagementFigures(checks, request.engagement, policy),
        },
        'CONTENT.INVALID_INPUT',
      );
      const mutation = { scope: scopeOf('AssessVideo'), request, requestCodec: AssessVideoRequest, responseCodec: AssessVideoResponse, deadline: call.deadline };
      return kit.units.mutation(mutation, async (work) => {
        const outcome = await assessSubmittedContent(work, {
          contentId: video.contentId,
          kind: 'SHORT_VIDEO',
          creatorId: video.creatorId,
          text: { title: video.title, captions: video.captions, transcript: video.transcript },
          links: video.links,
          mediaFingerprint: video.mediaFingerprint || undefined,
          engagement: video.engagement,
          trigger: 'PUBLISH',
        });
        return AssessVideoResponse.fromPartial({ ...assessmentBody(outcome), creatorCredit: await creditAfter(work, outcome) });
      });
    },

    async reassessContent(request: ReassessContentRequest, call: Call): Promise<ReassessContentResponse> {
      const checks = contentChecks(policy);
      const trigger = checks.enumValue('trigger', triggers, request.trigger, { allowed: CALLER_TRIGGERS });
      const { contentId, trigger: checkedTrigger, complaintId, note } = checks.done(
        {
          requestId: checks.requestId(request.requestId),
          contentId: checks.id('content_id', request.contentId),
          trigger,
          // A complaint re-assessment names the complaint it follows.
          complaintId: trigger === 'COMPLAINT' ? checks.id('complaint_id', request.complaintId) : checks.optionalId('complaint_id', request.complaintId),
          note: checks.optionalText('note', request.note),
        },
        'CONTENT.INVALID_INPUT',
      );
      const reassessment = { contentId, trigger: checkedTrigger, complaintId: complaintId || undefined, note: note || undefined };
      const mutation = { scope: scopeOf('ReassessContent'), request, requestCodec: ReassessContentRequest, responseCodec: ReassessContentResponse, deadline: call.deadline };
      return kit.units.mutation(mutation, async (work) => {
        // Its answer shows no credit: none is read for it.
        return ReassessContentResponse.fromPartial(assessmentBody(await reassessForCaller(work, reassessment)));
      });
    },

    async getContentItem(request: GetContentItemRequest, call: Call): Promise<GetContentItemResponse> {
      const checks = contentChecks(policy);
      const { contentId } = checks.done({ contentId: checks.id('content_id', request.contentId) }, 'CONTENT.INVALID_INPUT');
      return { contentItem: viewMessage(await read(kit, call, (tx) => loadContentItemView(tx, contentId))) };
    },

    async listContentItems(request: ListContentItemsRequest, call: Call): Promise<ListContentItemsResponse> {
      const checks = contentChecks(policy);
      const filter = checks.done({
        pageSize: checks.pageSize(request.pageSize),
        after: checks.pageToken(timeIdPageToken, request.pageToken),
        creatorId: checks.optionalId('creator_id', request.creatorId),
        productId: checks.optionalId('product_id', request.productId),
        tier: checks.optionalEnum('tier', contentTiers, request.tier),
      });
      const page = await read(kit, call, (tx) => listContentItems(tx, filter));
      return { contentItems: page.items.map(viewMessage), nextPageToken: page.nextPageToken };
    },
  };
};
