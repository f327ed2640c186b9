import type { BanAppealRow, IpComplaintRow, LabResultRow, ProductQualityTx } from '@govern/product-quality-data-access';
import { keysetAfter } from '@govern/platform-db';
import { keysetPage, timeIdPageToken, type KeysetPage as Page } from '@govern/platform-grpc';

/**
 * The review queues (ban appeals, IP complaints: oldest filed first, the order they are worked in)
 * and a product's lab results (newest test first). Keyset pages over (time, id), one row more
 * than asked to tell whether a next page exists; the status filters are served by
 * (status, filed_at, id) indexes.
 */

type After = [Date, string] | undefined;

export const listBanAppeals = async (
  tx: ProductQualityTx,
  query: { pageSize: number; after: After; status: string | undefined; merchantId: string | undefined },
): Promise<Page<BanAppealRow>> => {
  const rows = await tx.banAppeal.findMany({
    where: {
      ...(query.status ? { status: query.status } : {}),
      ...(query.merchantId ? { merchantId: query.merchantId } : {}),
      ...keysetAfter({ time: 'filedAt', id: 'appealId', direction: 'oldestFirst' }, query.after),
    },
    orderBy: [{ filedAt: 'asc' }, { appealId: 'asc' }],
    take: query.pageSize + 1,
  });
  return keysetPage(rows, query.pageSize, timeIdPageToken, (r) => [r.filedAt, r.appealId]);
};

export const listIpComplaints = async (
  tx: ProductQualityTx,
  query: { pageSize: number; after: After; status: string | undefined; merchantId: string | undefined; brandId: string | undefined },
): Promise<Page<IpComplaintRow>> => {
  const rows = await tx.ipComplaint.findMany({
    where: {
      ...(query.status ? { status: query.status } : {}),
      ...(query.merchantId ? { merchantId: query.merchantId } : {}),
      ...(query.brandId ? { brandId: query.brandId } : {}),
      ...keysetAfter({ time: 'filedAt', id: 'complaintId', direction: 'oldestFirst' }, query.after),
    },
    orderBy: [{ filedAt: 'asc' }, { complaintId: 'asc' }],
    take: query.pageSize + 1,
  });
  return keysetPage(rows, query.pageSize, timeIdPageToken, (r) => [r.filedAt, r.complaintId]);
};

export const listLabResults = async (tx: ProductQualityTx, query: { productId: string; pageSize: number; before: After }): Promise<Page<LabResultRow>> => {
  const rows = await tx.labResult.findMany({
    where: {
      productId: query.productId,
      ...keysetAfter({ time: 'testedAt', id: 'resultId', direction: 'newestFirst' }, query.before),
    },
    orderBy: [{ testedAt: 'desc' }, { resultId: 'desc' }],
    take: query.pageSize + 1,
  });
  return keysetPage(rows, query.pageSize, timeIdPageToken, (r) => [r.testedAt, r.resultId]);
};
