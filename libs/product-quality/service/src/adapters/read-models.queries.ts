import type { BanAppealRow, BanRow, ListingEvaluationRow, ProductQualityTx, ProductRow, QualityScoreRow } from '@govern/product-quality-data-access';
import { notFound } from '@govern/policy-core';
import { keysetAfter } from '@govern/platform-db';
import { keysetPage, type KeysetPage as Page, pageTokenCodec, sequencePageToken, timeIdPageToken } from '@govern/platform-grpc';

/**
 * The reads behind the Get and List RPCs (Prisma model queries, keyset pages). Every list fetches one
 * row more than asked: it tells whether there is a next page (keysetPage).
 */

/** Products are listed by id: the token is the last product id returned. */
export const productPageToken = pageTokenCodec('string');

export type ProductWithListings = ProductRow & { listings: { listingId: string; skuId: string }[] };

/**
 * `text` as a literal inside a LIKE pattern: Prisma's `startsWith` sends `LIKE value || '%'` without
 * escaping, so a category filter of `%` or `c_9` matched other categories. Escaped (backslash, LIKE's
 * default escape), the prefix stays a prefix the index range is taken from.
 */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export const getProduct = async (tx: ProductQualityTx, productId: string): Promise<ProductWithListings> => {
  const product = await tx.product.findUnique({ where: { productId }, include: { listings: { select: { listingId: true, skuId: true }, orderBy: { listingId: 'asc' } } } });
  if (!product) throw notFound('PRODUCT.NOT_FOUND', 'No such product', { product_id: productId });
  return product;
};

export const listProducts = async (
  tx: ProductQualityTx,
  query: { pageSize: number; after: [string] | undefined; merchantId: string | undefined; categoryCode: string | undefined; status: string | undefined; tier: string | undefined },
): Promise<Page<ProductWithListings>> => {
  const rows = await tx.product.findMany({
    where: {
      ...(query.merchantId ? { merchantId: query.merchantId } : {}),
      ...(query.categoryCode ? { OR: [{ categoryCode: query.categoryCode }, { categoryCode: { startsWith: `${likeLiteral(query.categoryCode)}.` } }] } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.tier ? { qualityTier: query.tier } : {}),
      ...(query.after ? { productId: { gt: query.after[0] } } : {}),
    },
    include: { listings: { select: { listingId: true, skuId: true }, orderBy: { listingId: 'asc' } } },
    orderBy: { productId: 'asc' },
    take: query.pageSize + 1,
  });
  return keysetPage(rows, query.pageSize, productPageToken, (r) => [r.productId]);
};

/** The current score (latest computation) and a page of the earlier ones, newest first. */
export const qualityScoreHistory = async (
  tx: ProductQualityTx,
  query: { productId: string; pageSize: number; before: [bigint] | undefined },
): Promise<{ current: QualityScoreRow; history: Page<QualityScoreRow> }> => {
  const current = await tx.qualityScoreRecord.findFirst({ where: { productId: query.productId }, orderBy: { seq: 'desc' } });
  if (!current) throw notFound('PRODUCT.NOT_FOUND', 'No such product (or not scored yet)', { product_id: query.productId });
  const rows = await tx.qualityScoreRecord.findMany({
    where: { productId: query.productId, seq: { lt: query.before?.[0] ?? current.seq } },
    orderBy: { seq: 'desc' },
    take: query.pageSize + 1,
  });
  return { current, history: keysetPage(rows, query.pageSize, sequencePageToken, (r) => [r.seq]) };
};

export const listBans = async (
  tx: ProductQualityTx,
  query: { pageSize: number; before: [Date, string] | undefined; merchantId: string | undefined; productId: string | undefined; status: string | undefined; cause: string | undefined },
): Promise<Page<BanRow>> => {
  const rows = await tx.ban.findMany({
    where: {
      ...(query.merchantId ? { merchantId: query.merchantId } : {}),
      ...(query.productId ? { productId: query.productId } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.cause ? { cause: query.cause } : {}),
      ...keysetAfter({ time: 'bannedAt', id: 'banId', direction: 'newestFirst' }, query.before),
    },
    orderBy: [{ bannedAt: 'desc' }, { banId: 'desc' }],
    take: query.pageSize + 1,
  });
  return keysetPage(rows, query.pageSize, timeIdPageToken, (r) => [r.bannedAt, r.banId]);
};

export const getBanAppeal = async (tx: ProductQualityTx, appealId: string): Promise<BanAppealRow> => {
  const row = await tx.banAppeal.findUnique({ where: { appealId } });
  if (!row) throw notFound('BAN.APPEAL_NOT_FOUND', 'No such appeal', { appeal_id: appealId });
  return row;
};

export const getListingEvaluation = async (tx: ProductQualityTx, evaluationId: string): Promise<ListingEvaluationRow> => {
  const row = await tx.listingEvaluation.findUnique({ where: { evaluationId } });
  if (!row) throw notFound('LISTING.EVALUATION_NOT_FOUND', 'No such listing evaluation', { evaluation_id: evaluationId });
  return row;
};

export const listListingEvaluations = async (
  tx: ProductQualityTx,
  query: { pageSize: number; before: [Date, string] | undefined; listingId: string | undefined; productId: string | undefined; merchantId: string | undefined; decision: string | undefined },
): Promise<Page<ListingEvaluationRow>> => {
  const rows = await tx.listingEvaluation.findMany({
    where: {
      ...(query.listingId ? { listingId: query.listingId } : {}),
      ...(query.productId ? { productId: query.productId } : {}),
      ...(query.merchantId ? { merchantId: query.merchantId } : {}),
      ...(query.decision ? { decision: query.decision } : {}),
      ...keysetAfter({ time: 'decidedAt', id: 'evaluationId', direction: 'newestFirst' }, query.before),
    },
    orderBy: [{ decidedAt: 'desc' }, { evaluationId: 'desc' }],
    take: query.pageSize + 1,
  });
  return keysetPage(rows, query.pageSize, timeIdPageToken, (r) => [r.decidedAt, r.evaluationId]);
};
