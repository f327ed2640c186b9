import type { CompensationRow, ComplaintRow, ConsumerExperienceTx, LedgerEntryRow } from '@govern/consumer-experience-data-access';
import type { AfterSaleStatus, CompensationCause, ComplaintTargetType } from '@govern/consumer-experience-domain';
import { keysetAfter } from '@govern/platform-db';
import { keysetPage, sequencePageToken, timeIdPageToken, type KeysetPage, type PageKey } from '@govern/platform-grpc';
import type { OrderStatus } from '../mapping/enums';
import type { AfterSaleView } from '../mapping/to-proto';
import type { OrderView } from '../use-cases/orders';
import { listLedgerEntries } from './ledger.repository';

/**
 * The List RPCs' queries: newest first, keyset pages over (time, id) with the platform's page
 * tokens (`timeIdPageToken`; the ledger's by entry id, `sequencePageToken`): the rows after the last
 * one returned, as `keysetAfter` writes them for the index. Each fetches one row more than the page:
 * that row only says a next page exists. Filters are exact matches the
 * indexes serve; an empty filter field means "any".
 */

/** After this key (exclusive), for a newest-first list by (time, id). */
export type TimeKey = PageKey<readonly ['time', 'string']>;

export interface Page {
  size: number;
  after?: TimeKey | undefined;
}

export interface OrderFilter {
  buyerId?: string | undefined;
  merchantId?: string | undefined;
  productId?: string | undefined;
  status?: OrderStatus | undefined;
}

export const listOrders = async (tx: ConsumerExperienceTx, filter: OrderFilter, page: Page): Promise<KeysetPage<OrderView>> => {
  const rows = await tx.order.findMany({
    where: {
      ...(filter.buyerId ? { buyerId: filter.buyerId } : {}),
      ...(filter.merchantId ? { merchantId: filter.merchantId } : {}),
      ...(filter.productId ? { productId: filter.productId } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...keysetAfter({ time: 'paidAt', id: 'orderId', direction: 'newestFirst' }, page.after),
    },
    include: { shipments: { where: { kind: 'FORWARD' } } },
    orderBy: [{ paidAt: 'desc' }, { orderId: 'desc' }],
    take: page.size + 1,
  });
  const views = rows.map(({ shipments, ...order }): OrderView => ({ order, forwardShipment: shipments[0] ?? null }));
  return keysetPage(views, page.size, timeIdPageToken, (last) => [last.order.paidAt, last.order.orderId]);
};

export interface AfterSaleFilter {
  orderId?: string | undefined;
  buyerId?: string | undefined;
  merchantId?: string | undefined;
  status?: AfterSaleStatus | undefined;
}

export const listAfterSales = async (tx: ConsumerExperienceTx, filter: AfterSaleFilter, page: Page): Promise<KeysetPage<AfterSaleView>> => {
  const rows = await tx.afterSale.findMany({
    where: {
      ...(filter.orderId ? { orderId: filter.orderId } : {}),
      ...(filter.buyerId ? { buyerId: filter.buyerId } : {}),
      ...(filter.merchantId ? { merchantId: filter.merchantId } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...keysetAfter({ time: 'createdAt', id: 'afterSaleId', direction: 'newestFirst' }, page.after),
    },
    include: { changes: { orderBy: { id: 'asc' } }, refunds: { orderBy: { issuedAt: 'asc' } }, shipments: { where: { kind: 'RETURN' } } },
    orderBy: [{ createdAt: 'desc' }, { afterSaleId: 'desc' }],
    take: page.size + 1,
  });
  const views = rows.map(({ changes, refunds, shipments, ...afterSale }): AfterSaleView => ({ afterSale, changes, refunds, returnShipment: shipments[0] ?? null }));
  return keysetPage(views, page.size, timeIdPageToken, (last) => [last.afterSale.createdAt, last.afterSale.afterSaleId]);
};

export interface ComplaintFilter {
  targetType?: ComplaintTargetType | undefined;
  targetId?: string | undefined;
  merchantId?: string | undefined;
  buyerId?: string | undefined;
}

export const listComplaints = async (tx: ConsumerExperienceTx, filter: ComplaintFilter, page: Page): Promise<KeysetPage<ComplaintRow>> => {
  const rows = await tx.complaint.findMany({
    where: {
      ...(filter.targetType ? { targetType: filter.targetType } : {}),
      ...(filter.targetId ? { targetId: filter.targetId } : {}),
      ...(filter.merchantId ? { merchantId: filter.merchantId } : {}),
      ...(filter.buyerId ? { buyerId: filter.buyerId } : {}),
      ...keysetAfter({ time: 'createdAt', id: 'complaintId', direction: 'newestFirst' }, page.after),
    },
    orderBy: [{ createdAt: 'desc' }, { complaintId: 'desc' }],
    take: page.size + 1,
  });
  return keysetPage(rows, page.size, timeIdPageToken, (last) => [last.createdAt, last.complaintId]);
};

export interface CompensationFilter {
  orderId?: string | undefined;
  buyerId?: string | undefined;
  merchantId?: string | undefined;
  cause?: CompensationCause | undefined;
}

export const listCompensations = async (tx: ConsumerExperienceTx, filter: CompensationFilter, page: Page): Promise<KeysetPage<CompensationRow>> => {
  const rows = await tx.compensation.findMany({
    where: {
      ...(filter.orderId ? { orderId: filter.orderId } : {}),
      ...(filter.buyerId ? { buyerId: filter.buyerId } : {}),
      ...(filter.merchantId ? { merchantId: filter.merchantId } : {}),
      ...(filter.cause ? { cause: filter.cause } : {}),
      ...keysetAfter({ time: 'paidAt', id: 'compensationId', direction: 'newestFirst' }, page.after),
    },
    orderBy: [{ paidAt: 'desc' }, { compensationId: 'desc' }],
    take: page.size + 1,
  });
  return keysetPage(rows, page.size, timeIdPageToken, (last) => [last.paidAt, last.compensationId]);
};

/** Ledger entries in posting order (oldest first), after an entry id. */
export const listLedgerPage = async (
  tx: ConsumerExperienceTx,
  filter: { account?: string | undefined; orderId?: string | undefined },
  page: { size: number; afterId?: bigint | undefined },
): Promise<KeysetPage<LedgerEntryRow>> => {
  const rows = await listLedgerEntries(tx, { ...filter, afterId: page.afterId, limit: page.size + 1 });
  return keysetPage(rows, page.size, sequencePageToken, (last) => [last.id]);
};

export const findComplaint = (tx: ConsumerExperienceTx, complaintId: string): Promise<ComplaintRow | null> => tx.complaint.findUnique({ where: { complaintId } });
