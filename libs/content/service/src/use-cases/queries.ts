import type { AppealRow, ContentTx, PenaltyRow, Prisma } from '@govern/content-data-access';
import type { Tier } from '@govern/content-domain';
import type { ContentItem } from '@govern/contracts-content';
import type { AppealStateName, PenaltyStateName } from '../mapping/enums';
import { contentItemMessage } from '../mapping/messages';
import { decodePageToken, encodePageToken, pageSizeOf } from '../mapping/page-token';

export interface Page<T> {
  rows: T[];
  nextPageToken: string;
}

/** Content items newest first, filtered by creator, linked product and tier; one query each for items, links, assessments, penalties. */
export const listContentItems = async (
  tx: ContentTx,
  filter: { pageSize: number; pageToken: string; creatorId: string; productId: string; tier: Tier | undefined },
): Promise<Page<ContentItem>> => {
  const size = pageSizeOf(filter.pageSize);
  const cursor = decodePageToken(filter.pageToken);
  const where: Prisma.ContentItemWhereInput = {
    ...(filter.creatorId ? { creatorId: filter.creatorId } : {}),
    ...(filter.tier ? { tier: filter.tier } : {}),
    ...(filter.productId ? { productLinks: { some: { productId: filter.productId } } } : {}),
    ...(cursor ? { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, contentId: { lt: cursor.id } }] } : {}),
  };
  const items = await tx.contentItem.findMany({ where, orderBy: [{ createdAt: 'desc' }, { contentId: 'desc' }], take: size + 1 });
  const page = items.slice(0, size);
  const ids = page.map((i) => i.contentId);
  const links = await tx.contentProductLink.findMany({ where: { contentId: { in: ids } } });
  const assessments = await tx.contentAssessment.findMany({ where: { id: { in: page.map((i) => i.latestAssessmentId).filter((a): a is string => a !== null) } } });
  const penalties = await tx.penalty.findMany({
    where: { contentId: { in: ids }, state: 'ACTIVE' },
    select: { id: true, contentId: true },
    orderBy: [{ imposedAt: 'asc' }, { id: 'asc' }],
  });
  const assessmentOf = new Map(assessments.map((a) => [a.id, a]));
  const last = page[page.length - 1];
  return {
    rows: page.map((item) =>
      contentItemMessage(
        item,
        links.filter((l) => l.contentId === item.contentId),
        item.latestAssessmentId ? assessmentOf.get(item.latestAssessmentId) : undefined,
        penalties.filter((p) => p.contentId === item.contentId).map((p) => p.id),
      ),
    ),
    nextPageToken: items.length > size && last ? encodePageToken({ at: last.createdAt, id: last.contentId }) : '',
  };
};

export const listPenalties = async (
  tx: ContentTx,
  filter: { pageSize: number; pageToken: string; creatorId: string; contentId: string; state: PenaltyStateName | undefined },
): Promise<Page<PenaltyRow>> => {
  const size = pageSizeOf(filter.pageSize);
  const cursor = decodePageToken(filter.pageToken);
  const rows = await tx.penalty.findMany({
    where: {
      ...(filter.creatorId ? { creatorId: filter.creatorId } : {}),
      ...(filter.contentId ? { contentId: filter.contentId } : {}),
      ...(filter.state ? { state: filter.state } : {}),
      ...(cursor ? { OR: [{ imposedAt: { lt: cursor.at } }, { imposedAt: cursor.at, id: { lt: cursor.id } }] } : {}),
    },
    orderBy: [{ imposedAt: 'desc' }, { id: 'desc' }],
    take: size + 1,
  });
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return { rows: page, nextPageToken: rows.length > size && last ? encodePageToken({ at: last.imposedAt, id: last.id }) : '' };
};

/** Appeals oldest first: filtered by PENDING it is the review queue in the order it must be worked. */
export const listAppeals = async (
  tx: ContentTx,
  filter: { pageSize: number; pageToken: string; creatorId: string; state: AppealStateName | undefined },
): Promise<Page<AppealRow>> => {
  const size = pageSizeOf(filter.pageSize);
  const cursor = decodePageToken(filter.pageToken);
  const rows = await tx.appeal.findMany({
    where: {
      ...(filter.creatorId ? { creatorId: filter.creatorId } : {}),
      ...(filter.state ? { state: filter.state } : {}),
      ...(cursor ? { OR: [{ filedAt: { gt: cursor.at } }, { filedAt: cursor.at, id: { gt: cursor.id } }] } : {}),
    },
    orderBy: [{ filedAt: 'asc' }, { id: 'asc' }],
    take: size + 1,
  });
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return { rows: page, nextPageToken: rows.length > size && last ? encodePageToken({ at: last.filedAt, id: last.id }) : '' };
};
