import type { AppealRow, ContentTx, PenaltyRow, Prisma } from '@govern/content-data-access';
import type { Tier } from '@govern/content-domain';
import { keysetAfter } from '@govern/platform-db';
import { keysetPage, timeIdPageToken, type KeysetPage } from '@govern/platform-grpc';
import { notFound } from '@govern/policy-core';
import type { AppealStateName, PenaltyStateName } from '../mapping/enums';
import type { ContentItemView } from './content-view';

/** Where a page starts: the (time, id) key of the last row of the previous page, as the handler decoded it. */
export interface PageRequest {
  pageSize: number;
  after: [Date, string] | undefined;
}

/** Content items newest first, filtered by creator, linked product and tier; a query each for the items (two by product: its links, then their items), links, assessments, penalties. */
export const listContentItems = async (
  tx: ContentTx,
  filter: PageRequest & { creatorId: string | undefined; productId: string | undefined; tier: Tier | undefined },
): Promise<KeysetPage<ContentItemView>> => {
  const size = filter.pageSize;
  const itemFilter: Prisma.ContentItemWhereInput = {
    ...(filter.creatorId ? { creatorId: filter.creatorId } : {}),
    ...(filter.tier ? { tier: filter.tier } : {}),
  };
  // By product, the page is read from the product's links, which carry their item's creation time
  // (index (product_id, item_created_at, content_id)): filtering the items by "has a link to it"
  // walked every item newest first and probed its links (1.9 s for a product linked 3,000 times
  // among 2 million items).
  const items = filter.productId
    ? (
        await tx.contentProductLink.findMany({
          where: {
            productId: filter.productId,
            ...(Object.keys(itemFilter).length > 0 ? { contentItem: itemFilter } : {}),
            ...keysetAfter({ time: 'itemCreatedAt', id: 'contentId', direction: 'newestFirst' }, filter.after),
          },
          orderBy: [{ itemCreatedAt: 'desc' }, { contentId: 'desc' }],
          take: size + 1,
          select: { contentItem: true },
        })
      ).map((link) => link.contentItem)
    : await tx.contentItem.findMany({
        where: { ...itemFilter, ...keysetAfter({ time: 'createdAt', id: 'contentId', direction: 'newestFirst' }, filter.after) },
        orderBy: [{ createdAt: 'desc' }, { contentId: 'desc' }],
        take: size + 1,
      });
  const page = keysetPage(items, size, timeIdPageToken, (last) => [last.createdAt, last.contentId]);
  const ids = page.items.map((i) => i.contentId);
  const links = await tx.contentProductLink.findMany({ where: { contentId: { in: ids } } });
  const assessments = await tx.contentAssessment.findMany({ where: { id: { in: page.items.map((i) => i.latestAssessmentId).filter((a): a is string => a !== null) } } });
  const penalties = await tx.penalty.findMany({
    where: { contentId: { in: ids }, state: 'ACTIVE' },
    select: { id: true, contentId: true },
    orderBy: [{ imposedAt: 'asc' }, { id: 'asc' }],
  });
  const assessmentOf = new Map(assessments.map((a) => [a.id, a]));
  return {
    items: page.items.map((item) => ({
      item,
      links: links.filter((l) => l.contentId === item.contentId),
      latest: item.latestAssessmentId ? assessmentOf.get(item.latestAssessmentId) : undefined,
      activePenaltyIds: penalties.filter((p) => p.contentId === item.contentId).map((p) => p.id),
    })),
    nextPageToken: page.nextPageToken,
  };
};

export const listPenalties = async (
  tx: ContentTx,
  filter: PageRequest & { creatorId: string | undefined; contentId: string | undefined; state: PenaltyStateName | undefined },
): Promise<KeysetPage<PenaltyRow>> => {
  const size = filter.pageSize;
  const rows = await tx.penalty.findMany({
    where: {
      ...(filter.creatorId ? { creatorId: filter.creatorId } : {}),
      ...(filter.contentId ? { contentId: filter.contentId } : {}),
      ...(filter.state ? { state: filter.state } : {}),
      ...keysetAfter({ time: 'imposedAt', id: 'id', direction: 'newestFirst' }, filter.after),
    },
    orderBy: [{ imposedAt: 'desc' }, { id: 'desc' }],
    take: size + 1,
  });
  return keysetPage(rows, size, timeIdPageToken, (last) => [last.imposedAt, last.id]);
};

/** Appeals oldest first: filtered by PENDING it is the review queue in the order it must be worked. */
export const getAppeal = async (tx: ContentTx, appealId: string): Promise<AppealRow> => {
  const appeal = await tx.appeal.findUnique({ where: { id: appealId } });
  if (!appeal) throw notFound('APPEAL.NOT_FOUND', `Appeal ${appealId} is not known`, { appeal_id: appealId });
  return appeal;
};

export const listAppeals = async (
  tx: ContentTx,
  filter: PageRequest & { creatorId: string | undefined; state: AppealStateName | undefined },
): Promise<KeysetPage<AppealRow>> => {
  const size = filter.pageSize;
  const rows = await tx.appeal.findMany({
    where: {
      ...(filter.creatorId ? { creatorId: filter.creatorId } : {}),
      ...(filter.state ? { state: filter.state } : {}),
      ...keysetAfter({ time: 'filedAt', id: 'id', direction: 'oldestFirst' }, filter.after),
    },
    orderBy: [{ filedAt: 'asc' }, { id: 'asc' }],
    take: size + 1,
  });
  return keysetPage(rows, size, timeIdPageToken, (last) => [last.filedAt, last.id]);
};
