import { ComplaintFiledEvent } from '@govern/contracts-consumer-experience';
import type { ComplaintRow, ConsumerExperienceTx } from '@govern/consumer-experience-data-access';
import { routeComplaint, type ComplaintTargetType } from '@govern/consumer-experience-domain';
import { notFound, Violations } from '@govern/policy-core';
import { insertComplaint } from '../adapters/contacts.repository';
import { findComplaint } from '../adapters/lists.queries';
import { orderParties } from '../adapters/sql-rows';
import type { ComplaintCategory } from '../mapping/enums';
import { complaintSubjectToProto } from '../mapping/to-proto';
import type { Work } from './work';

/**
 * Complaints are recorded here and routed by event to the service that owns the target: content
 * items to content, products to product-quality, merchants to merchant-access. Service complaints
 * (dispatch, logistics, after-sale handling) are this service's own: they count against the
 * merchant's service metrics and close at once.
 */

export interface FileComplaintInput {
  buyerId: string;
  targetType: ComplaintTargetType;
  targetId: string;
  orderId?: string | undefined;
  merchantId?: string | undefined;
  category: ComplaintCategory;
  text: string;
  evidenceRefs: string[];
}

/**
 * At most one read (pipelined with BEGIN and the request's claim); the complaint goes out with the
 * unit's effects and COMMIT.
 */
export const fileComplaint = async (work: Work, input: FileComplaintInput): Promise<ComplaintRow> => {
  const order = input.orderId ? await orderParties(work.sql, input.orderId) : undefined;
  if (input.orderId && !order) throw notFound('ORDER.NOT_FOUND', `Unknown order ${input.orderId}`, { order_id: input.orderId });
  if (order) {
    const v = new Violations();
    v.check(order.buyerId === input.buyerId, 'buyer_id', 'does not own the order', 'NOT_ORDER_OWNER');
    if (input.targetType === 'SERVICE') v.check(input.targetId === order.orderId, 'target_id', 'must be the order id for a service complaint', 'NOT_THE_ORDER');
    if (input.targetType === 'MERCHANT') v.check(input.targetId === order.merchantId, 'target_id', 'is not the merchant of the order', 'NOT_THE_ORDER_MERCHANT');
    if (input.targetType === 'PRODUCT') v.check(input.targetId === order.productId, 'target_id', 'is not the product of the order', 'NOT_THE_ORDER_PRODUCT');
    v.throwIfAny('COMPLAINT.INVALID');
  }
  const merchantId = order?.merchantId ?? (input.targetType === 'MERCHANT' ? input.targetId : input.merchantId) ?? null;
  const productId = input.targetType === 'PRODUCT' ? input.targetId : (order?.productId ?? null);
  const contentId = input.targetType === 'CONTENT' ? input.targetId : (order?.contentId ?? null);
  const complaint = insertComplaint(work.withEffectsSql, {
    complaintId: work.newId(),
    buyerId: input.buyerId,
    targetType: input.targetType,
    targetId: input.targetId,
    merchantId: merchantId || null,
    orderId: order?.orderId ?? null,
    productId,
    contentId,
    category: input.category,
    text: input.text,
    evidenceRefs: input.evidenceRefs,
    status: input.targetType === 'SERVICE' ? 'RESOLVED' : 'ROUTED',
    routedTo: routeComplaint(input.targetType),
    createdAt: work.now,
  });
  work.emit(ComplaintFiledEvent, {
    complaintId: complaint.complaintId,
    ...complaintSubjectToProto(complaint),
    buyerId: input.buyerId,
    productId: productId ?? '',
    contentId: contentId ?? '',
  });
  work.touch({ merchantId: complaint.merchantId, productId, contentId });
  return complaint;
};

export const getComplaint = async (tx: ConsumerExperienceTx, complaintId: string): Promise<ComplaintRow> => {
  const complaint = await findComplaint(tx, complaintId);
  if (!complaint) throw notFound('COMPLAINT.NOT_FOUND', `Unknown complaint ${complaintId}`, { complaint_id: complaintId });
  return complaint;
};
