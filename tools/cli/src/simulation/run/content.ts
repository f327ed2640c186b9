/** The creators' steps: videos and their re-assessment, livestreams with their signal streams. */
import { AssessmentTrigger, ContentTier, LivestreamActionKind, ViolationKind, type StreamLivestreamSignalsRequest } from '@govern/contracts-content';
import { AsyncQueue } from '../async-queue';
import type { LivestreamPlan, ProductPlan, VideoPlan } from '../scenario';
import { PRODUCT_NOT_YET_KNOWN, type RunContext } from './run-context';

export const links = (ctx: RunContext, productKeys: readonly string[]): { productId: string; merchantId: string }[] => {
  return productKeys
    .filter((key) => ctx.onSale.has(key))
    .map((key) => {
      const product = ctx.productByKey.get(key) as ProductPlan;
      return { productId: product.productId, merchantId: ctx.merchantIds.get(product.merchantKey) as string };
    });
};

export const assessVideo = async (ctx: RunContext, v: VideoPlan): Promise<void> => {
  const creatorId = ctx.creatorIdByKey.get(v.creatorKey) ?? v.creatorKey;
  const linkedProducts = links(ctx, v.productKeys);
  if (linkedProducts.length < v.productKeys.length) ctx.tally.add('content', ' links dropped: product not on sale', v.productKeys.length - linkedProducts.length);
  const answer = await ctx.call('AssessVideo', () =>
    ctx.clients.content.assessVideo({
      requestId: ctx.rid('AssessVideo', v.key),
      contentId: v.contentId,
      creatorId,
      title: v.title,
      captions: v.captions,
      transcript: v.transcript,
      linkedProducts,
      mediaFingerprint: v.mediaFingerprint,
      engagement: v.engagement,
    }),
    PRODUCT_NOT_YET_KNOWN,
  );
  if (!answer.ok) return;
  ctx.posted.add(v.key);
  ctx.tally.add('content', 'videos assessed');
  const { assessment, penalties } = answer.value;
  if (assessment?.tier === ContentTier.CONTENT_TIER_PREMIUM) ctx.tally.add('content', ' premium (boosted)');
  if (penalties.length > 0) ctx.tally.add('content', ' penalised');
  const kinds = new Set(assessment?.violations.map((violation) => violation.kind) ?? []);
  if (kinds.has(ViolationKind.VIOLATION_KIND_PROHIBITED_CLAIM)) ctx.tally.add('content', '  prohibited claims');
  if (kinds.has(ViolationKind.VIOLATION_KIND_REPOSTED_CONTENT)) ctx.tally.add('content', '  reposted content');
};

export const reassess = async (ctx: RunContext, v: VideoPlan): Promise<void> => {
  const answer = await ctx.call('ReassessContent', () =>
    ctx.clients.content.reassessContent({
      requestId: ctx.rid('ReassessContent', v.key),
      contentId: v.contentId,
      trigger: AssessmentTrigger.ASSESSMENT_TRIGGER_SIGNAL_UPDATE,
      complaintId: '',
      note: 'scheduled re-assessment once the simulated sales are in',
    }),
  );
  if (!answer.ok) return;
  ctx.tally.add('content', 'videos re-assessed after the sales');
  if (answer.value.penalties.length > 0) ctx.tally.add('content', ' penalised on re-assessment');
};

export const livestream = async (ctx: RunContext, l: LivestreamPlan): Promise<void> => {
  const creatorId = ctx.creatorIdByKey.get(l.creatorKey) ?? l.creatorKey;
  const started = await ctx.call('StartLivestream', () =>
    ctx.clients.content.startLivestream({ requestId: ctx.rid('StartLivestream', l.key), livestreamId: l.livestreamId, creatorId, title: l.title, linkedProducts: links(ctx, l.productKeys) }),
    PRODUCT_NOT_YET_KNOWN,
  );
  if (!started.ok) return;
  ctx.tally.add('content', 'livestreams run');
  const queue = new AsyncQueue<StreamLivestreamSignalsRequest>();
  let level = LivestreamActionKind.LIVESTREAM_ACTION_KIND_NONE;
  const reached = new Set<LivestreamActionKind>();
  const stream = await ctx.call('StreamLivestreamSignals', async () => {
    const responses = ctx.clients.content.streamLivestreamSignals(queue)[Symbol.asyncIterator]();
    try {
      for (const [i, signal] of l.signals.entries()) {
        const base = { livestreamId: l.livestreamId, clientSequence: BigInt(i + 1), observeTime: new Date() };
        queue.push({
          signal:
            signal.kind === 'transcript'
              ? { ...base, transcriptSegment: { text: signal.text, startOffsetMs: BigInt(signal.startOffsetMs), endOffsetMs: BigInt(signal.endOffsetMs) } }
              : signal.kind === 'viewers'
                ? { ...base, viewerSignal: { newReports: signal.newReports, viewerCount: BigInt(signal.viewerCount), reportCategory: signal.category } }
                : { ...base, complaint: { complaintId: '', category: signal.category, text: signal.text } },
        });
        const next = await responses.next();
        ctx.tally.add('content', 'livestream signals sent');
        if (next.done) break;
        const action = next.value.action;
        if (action?.error) ctx.tally.error('StreamLivestreamSignals', 'SIGNAL_REJECTED', action.error.message);
        if (action) {
          level = action.level;
          reached.add(action.level);
        }
        if (level === LivestreamActionKind.LIVESTREAM_ACTION_KIND_INTERRUPT) break;
      }
    } finally {
      queue.end();
      await responses.return?.();
    }
  });
  if (!stream.ok) return;
  if (reached.has(LivestreamActionKind.LIVESTREAM_ACTION_KIND_WARN_HOST)) ctx.tally.add('content', ' warned');
  if (reached.has(LivestreamActionKind.LIVESTREAM_ACTION_KIND_LIMIT_TRAFFIC)) ctx.tally.add('content', ' traffic limited');
  if (reached.has(LivestreamActionKind.LIVESTREAM_ACTION_KIND_INTERRUPT)) ctx.tally.add('content', ' interrupted');
  await ctx.call('EndLivestream', () => ctx.clients.content.endLivestream({ requestId: ctx.rid('EndLivestream', l.key), livestreamId: l.livestreamId }));
};
