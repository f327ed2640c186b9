import type { ContentProductLinkRow, ContentTx, LivestreamRow } from '@govern/content-data-access';
import { policyRef, type LinkedProductRef, type Violation } from '@govern/content-domain';
import { keysetAfter } from '@govern/platform-db';
import { keysetPage, timeIdPageToken, type KeysetPage } from '@govern/platform-grpc';
import { alreadyExists, failedPrecondition, notFound } from '@govern/policy-core';
import { lockLivestream, writeLiveStates } from '../adapters/livestreams.repository';
import type { LiveStateWrite, StoredSnapshot } from '../live/live-state';
import type { LivestreamStateName } from '../mapping/enums';
import { toJson } from '../mapping/json';
import { assessSubmittedContent } from './assess-content-item';
import { currentStanding } from './creator-standing';
import type { Work } from './work';

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
  work: Work,
  input: { livestreamId: string; creatorId: string; title: string; links: readonly LinkedProductRef[] },
): Promise<LivestreamWithLinks & { refused: Violation[] }> => {
  const { tx, now, policy } = work;
  const existing = await tx.livestream.findUnique({ where: { livestreamId: input.livestreamId } });
  if (existing) throw alreadyExists('LIVESTREAM.ALREADY_STARTED', `Livestream ${input.livestreamId} was already started`, { livestream_id: input.livestreamId });
  const { standing } = await currentStanding(work.sql, policy, now, input.creatorId);
  if (standing.privilegesRevoked) {
    throw failedPrecondition('CREATOR.PRIVILEGES_REVOKED', `Creator ${input.creatorId} has lost e-commerce privileges (credit ${standing.credit})`, {
      creator_id: input.creatorId,
      subject: `creators/${input.creatorId}`,
    });
  }
  const outcome = await assessSubmittedContent(work, {
    contentId: input.livestreamId,
    kind: 'LIVESTREAM',
    creatorId: input.creatorId,
    livestreamId: input.livestreamId,
    text: { title: input.title, captions: '', transcript: '' },
    links: input.links,
    trigger: 'PUBLISH',
  });
  const ref = policyRef(policy);
  const livestream = await tx.livestream.create({
    data: {
      livestreamId: input.livestreamId,
      contentId: input.livestreamId,
      creatorId: input.creatorId,
      title: input.title,
      state: 'LIVE',
      level: 'NONE',
      trafficWeight: Math.min(policy.livestream.trafficWeight.NONE, outcome.item.trafficWeight),
      warnings: 0,
      lastClientSequence: 0n,
      reasons: toJson([]),
      snapshot: toJson(emptySnapshot()),
      policyName: ref.name,
      policyVersion: ref.version,
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

/** Sessions in one state, newest start first (LIVE: the ones on air); their links in one query. */
export const listLivestreams = async (
  tx: ContentTx,
  filter: { pageSize: number; after: [Date, string] | undefined; state: LivestreamStateName },
): Promise<KeysetPage<LivestreamWithLinks>> => {
  const rows = await tx.livestream.findMany({
    where: {
      state: filter.state,
      ...keysetAfter({ time: 'startedAt', id: 'livestreamId', direction: 'newestFirst' }, filter.after),
    },
    orderBy: [{ startedAt: 'desc' }, { livestreamId: 'desc' }],
    take: filter.pageSize + 1,
  });
  const links = await tx.contentProductLink.findMany({ where: { contentId: { in: rows.map((row) => row.contentId) } }, orderBy: [{ contentId: 'asc' }, { position: 'asc' }] });
  const page = rows.map((livestream) => ({ livestream, links: links.filter((link) => link.contentId === livestream.contentId) }));
  return keysetPage(page, filter.pageSize, timeIdPageToken, (last) => [last.livestream.startedAt, last.livestream.livestreamId]);
};

/**
 * Ends a session (idempotent: an ended or interrupted session is returned as it is), writing
 * what the serving replica had not flushed yet.
 */
export const endLivestream = async (work: Work, livestreamId: string, pending: LiveStateWrite | undefined): Promise<LivestreamWithLinks> => {
  const { tx, now } = work;
  await lockLivestream(work.sql, livestreamId);
  const { livestream, links } = await getLivestream(tx, livestreamId);
  if (livestream.state !== 'LIVE') return { livestream, links };
  if (pending) await writeLiveStates(work.sql, now, work.policy.limits.maxTranscriptChars, [pending]);
  const ended = await tx.livestream.update({ where: { livestreamId }, data: { state: 'ENDED', endedAt: now, updatedAt: now } });
  return { livestream: ended, links };
};
