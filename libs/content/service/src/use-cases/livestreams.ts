import type { ContentProductLinkRow, ContentTx, LivestreamRow } from '@govern/content-data-access';
import { policyRef, type LinkedProductRef, type Violation } from '@govern/content-domain';
import { alreadyExists, failedPrecondition, notFound } from '@govern/policy-core';
import type { ContentDeps } from '../deps';
import type { EventBatch } from '../events/event-batch';
import { writeLiveStates, type LiveStateWrite, type StoredSnapshot } from '../live/live-state';
import { toJson } from '../mapping/json';
import { assessSubmittedContent } from './assess-content-item';
import { currentStanding } from './creator-standing';

export interface LivestreamWithLinks {
  livestream: LivestreamRow;
  links: ContentProductLinkRow[];
}

const REFUSED_LINK_KINDS: ReadonlySet<Violation['kind']> = new Set(['BANNED_PRODUCT_LINK', 'REMOVED_MERCHANT_LINK', 'CREATOR_LINKING_SUSPENDED', 'CREATOR_PRIVILEGES_REVOKED']);

export const emptySnapshot = (): StoredSnapshot => ({ level: 'NONE', lastSequence: 0, warnings: 0, strikes: [], claimKeys: [] });

/**
 * Starts a session: refused when the creator's e-commerce privileges are revoked; the title and
 * links are assessed like a video's (claims in the title are penalised, links to banned products
 * or removed merchants, or of a creator whose linking is suspended, are refused and reported).
 * The session's traffic weight starts at its item's tier weight.
 */
export const startLivestream = async (
  tx: ContentTx,
  deps: ContentDeps,
  events: EventBatch,
  input: { livestreamId: string; creatorId: string; title: string; links: readonly LinkedProductRef[] },
): Promise<LivestreamWithLinks & { refused: Violation[] }> => {
  const existing = await tx.livestream.findUnique({ where: { livestreamId: input.livestreamId } });
  if (existing) throw alreadyExists('LIVESTREAM.ALREADY_STARTED', `Livestream ${input.livestreamId} was already started`, { livestream_id: input.livestreamId });
  const { standing } = await currentStanding(tx, deps, input.creatorId);
  if (standing.privilegesRevoked) {
    throw failedPrecondition('CREATOR.PRIVILEGES_REVOKED', `Creator ${input.creatorId} has lost e-commerce privileges (credit ${standing.credit})`, {
      creator_id: input.creatorId,
      subject: `creators/${input.creatorId}`,
    });
  }
  const outcome = await assessSubmittedContent(tx, deps, events, {
    contentId: input.livestreamId,
    kind: 'LIVESTREAM',
    creatorId: input.creatorId,
    livestreamId: input.livestreamId,
    text: { title: input.title, captions: '', transcript: '' },
    links: input.links,
    trigger: 'PUBLISH',
  });
  const now = deps.clock.now();
  const policy = policyRef(deps.policy);
  const livestream = await tx.livestream.create({
    data: {
      livestreamId: input.livestreamId,
      contentId: input.livestreamId,
      creatorId: input.creatorId,
      title: input.title,
      state: 'LIVE',
      level: 'NONE',
      trafficWeight: Math.min(deps.policy.livestream.trafficWeight.NONE, outcome.item.trafficWeight),
      warnings: 0,
      lastClientSequence: 0n,
      reasons: toJson([]),
      snapshot: toJson(emptySnapshot()),
      policyName: policy.name,
      policyVersion: policy.version,
      startedAt: now,
      updatedAt: now,
    },
  });
  return { livestream, links: outcome.links, refused: outcome.result.violations.filter((v) => REFUSED_LINK_KINDS.has(v.kind)) };
};

export const getLivestream = async (tx: ContentTx, livestreamId: string): Promise<LivestreamWithLinks> => {
  const livestream = await tx.livestream.findUnique({ where: { livestreamId } });
  if (!livestream) throw notFound('LIVESTREAM.NOT_FOUND', `Livestream ${livestreamId} is not known`, { livestream_id: livestreamId });
  const links = await tx.contentProductLink.findMany({ where: { contentId: livestream.contentId }, orderBy: { position: 'asc' } });
  return { livestream, links };
};

/**
 * Ends a session (idempotent: an ended or interrupted session is returned as it is), writing
 * what the serving replica had not flushed yet.
 */
export const endLivestream = async (tx: ContentTx, deps: ContentDeps, livestreamId: string, pending: LiveStateWrite | undefined): Promise<LivestreamWithLinks> => {
  await tx.$executeRawUnsafe(`SELECT 1 FROM livestreams WHERE livestream_id = $1 FOR UPDATE`, livestreamId);
  const { livestream, links } = await getLivestream(tx, livestreamId);
  if (livestream.state !== 'LIVE') return { livestream, links };
  const now = deps.clock.now();
  if (pending) await writeLiveStates(tx, now, deps.policy.limits.maxTranscriptChars, [pending]);
  const ended = await tx.livestream.update({ where: { livestreamId }, data: { state: 'ENDED', endedAt: now, updatedAt: now } });
  return { livestream: ended, links };
};
