import { Violations } from '@govern/policy-core';
import { checkEvidence, checkText } from './input-validation';
import type { ComplaintTargetType } from './model';

/** The service that owns each kind of complaint; it learns of it from the ComplaintFiled event. */
export const COMPLAINT_ROUTES: Readonly<Record<ComplaintTargetType, string>> = {
  CONTENT: 'content',
  PRODUCT: 'product-quality',
  MERCHANT: 'merchant-access',
  SERVICE: 'consumer-experience',
};

export const routeComplaint = (targetType: ComplaintTargetType): string => COMPLAINT_ROUTES[targetType];

/** A complaint needs a target, words, and an order when it is about the service of one. */
export const validateComplaint = (complaint: {
  buyerId: string;
  targetType: ComplaintTargetType | undefined;
  targetId: string;
  orderId?: string | undefined;
  text: string;
  evidenceRefs?: readonly string[];
}): void => {
  const v = new Violations();
  v.require('buyer_id', complaint.buyerId);
  v.check(complaint.targetType !== undefined, 'target_type', 'is required', 'REQUIRED');
  v.require('target_id', complaint.targetId);
  if (complaint.targetType === 'SERVICE') v.require('order_id', complaint.orderId);
  v.require('text', complaint.text);
  checkText(v, 'text', complaint.text);
  checkEvidence(v, 'evidence_refs', complaint.evidenceRefs);
  v.throwIfAny('COMPLAINT.INVALID');
};
