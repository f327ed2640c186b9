import type { ContentAssessmentRow, ContentItemRow, ContentProductLinkRow, ContentTx } from '@govern/content-data-access';
import { notFound } from '@govern/policy-core';

export interface ContentItemView {
  item: ContentItemRow;
  links: ContentProductLinkRow[];
  latest: ContentAssessmentRow | undefined;
  activePenaltyIds: string[];
}

export const activePenaltyIdsOf = async (tx: ContentTx, contentId: string): Promise<string[]> =>
  (await tx.penalty.findMany({ where: { contentId, state: 'ACTIVE' }, select: { id: true }, orderBy: [{ imposedAt: 'asc' }, { id: 'asc' }] })).map((p) => p.id);

/** An item with its links, latest assessment and penalties in force; NOT_FOUND when content never saw it. */
export const loadContentItemView = async (tx: ContentTx, contentId: string): Promise<ContentItemView> => {
  const item = await tx.contentItem.findUnique({ where: { contentId }, include: { productLinks: true } });
  if (!item) throw notFound('CONTENT.NOT_FOUND', `Content item ${contentId} is not known`, { content_id: contentId });
  const latest = item.latestAssessmentId ? await tx.contentAssessment.findUnique({ where: { id: item.latestAssessmentId } }) : null;
  const { productLinks, ...row } = item;
  return { item: row, links: productLinks, latest: latest ?? undefined, activePenaltyIds: await activePenaltyIdsOf(tx, contentId) };
};
