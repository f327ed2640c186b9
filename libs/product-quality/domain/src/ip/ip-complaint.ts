import { DomainError, type PolicyRef, type Reason, Violations, failedPrecondition, reason } from '@govern/policy-core';
import { mayMerchantSellBrand } from '../listing/brand-authorisation';
import type { BrandAuthorisationRecord, BrandRecord } from '../listing/listing';
import { anyCategoryCovers } from '../shared/category';
import { IP_COMPLAINT_POLICY, type IpComplaintPolicy } from './ip-complaint.policy';

export type IpComplaintKind = 'TRADEMARK' | 'COUNTERFEIT' | 'COPYRIGHT' | 'PATENT';

/**
 * REJECTED and TAKEN_DOWN are where a complaint starts; TAKEN_DOWN -> COUNTER_NOTICED on the
 * merchant's counter-notice; a reviewer ends it UPHELD or RESTORED, and a counter-noticed
 * complaint is RESTORED when the owner lets the response window pass without escalating.
 */
export type IpComplaintStatus = 'REJECTED' | 'TAKEN_DOWN' | 'COUNTER_NOTICED' | 'UPHELD' | 'RESTORED';

export interface IpComplaint {
  complaintId: string;
  brandId: string;
  complainantId: string;
  productId: string;
  merchantId: string;
  kind: IpComplaintKind;
  statement: string;
  evidenceRefs: readonly string[];
  status: IpComplaintStatus;
  counterStatement?: string | undefined;
  counterEvidenceRefs: readonly string[];
  /** The takedown ban, set by the use case once it has banned the product. */
  banId?: string | undefined;
  /** Reasons of the latest transition. */
  reasons: readonly Reason[];
  policy: PolicyRef;
  filedAt: Date;
  counterNoticedAt?: Date | undefined;
  restoreDueAt?: Date | undefined;
  /** When the brand owner reported escalating (complaint to the authorities, lawsuit): no automatic restore then. */
  escalatedAt?: Date | undefined;
  decidedAt?: Date | undefined;
  reviewerId?: string | undefined;
}

export interface ComplainedProduct {
  productId: string;
  merchantId: string;
  categoryCode: string;
}

const policyRef = (policy: IpComplaintPolicy): PolicyRef => ({ name: policy.name, version: policy.version });

const requireStatement = (v: Violations, field: string, statement: string, refsField: string, refs: readonly string[], policy: IpComplaintPolicy): void => {
  v.require(field, statement);
  v.maxLength(field, statement, policy.limits.statementMaxChars);
  v.check(refs.length >= policy.minEvidenceRefs, refsField, `must list at least ${policy.minEvidenceRefs} evidence reference(s)`, 'REQUIRED');
  v.maxItems(refsField, refs, policy.limits.maxEvidenceRefs);
};

interface PartyStatement {
  notParty: { code: string; message: string };
  /** The one status the statement answers, the error otherwise and the verb of its message. */
  status: IpComplaintStatus;
  wrongStatus: { code: string; verb: string };
}

/** The statements a party may make on a complaint: the merchant's counter-notice, the owner's escalation. */
const PARTY_STATEMENTS = {
  counterNotice: {
    notParty: { code: 'IP.COUNTER_NOTICE_NOT_OWNER', message: 'Only the merchant of the product may counter-notify' },
    status: 'TAKEN_DOWN',
    wrongStatus: { code: 'IP.NOT_TAKEN_DOWN', verb: 'counter-notified' },
  },
  escalation: {
    notParty: { code: 'IP.ESCALATION_NOT_COMPLAINANT', message: 'Only the complainant may escalate its complaint' },
    status: 'COUNTER_NOTICED',
    wrongStatus: { code: 'IP.NOT_COUNTER_NOTICED', verb: 'escalated' },
  },
} as const satisfies Record<string, PartyStatement>;

/**
 * What a party's statement on a complaint must pass, in this order: a valid statement with
 * evidence, from the party entitled to it, on a complaint in the one status it answers.
 * Returns the reasons' metadata.
 */
const checkStatementOfParty = (
  complaint: IpComplaint,
  input: { statement: string; evidenceRefs: readonly string[] },
  policy: IpComplaintPolicy,
  isParty: boolean,
  rule: PartyStatement,
): { complaint_id: string } => {
  const v = new Violations();
  requireStatement(v, 'statement', input.statement, 'evidence_refs', input.evidenceRefs, policy);
  v.throwIfAny();
  const meta = { complaint_id: complaint.complaintId };
  if (!isParty) throw new DomainError('PERMISSION_DENIED', rule.notParty.code, rule.notParty.message, meta);
  if (complaint.status !== rule.status) {
    throw failedPrecondition(rule.wrongStatus.code, `A complaint in status ${complaint.status} cannot be ${rule.wrongStatus.verb}`, { ...meta, status: complaint.status });
  }
  return meta;
};

/**
 * A complaint from the brand's registered owner takes the product down at once (notice and
 * takedown); anyone else's is rejected, as is one the merchant's authorisation answers.
 * `takenDown` tells the use case to ban the product with cause IP_TAKEDOWN.
 */
export const fileIpComplaint = (
  input: {
    complaintId: string;
    brand: BrandRecord;
    complainantId: string;
    product: ComplainedProduct;
    kind: IpComplaintKind;
    statement: string;
    evidenceRefs: readonly string[];
  },
  merchantAuthorisations: readonly BrandAuthorisationRecord[],
  now: Date,
  policy: IpComplaintPolicy = IP_COMPLAINT_POLICY,
): { complaint: IpComplaint; takenDown: boolean } => {
  const v = new Violations();
  requireStatement(v, 'statement', input.statement, 'evidence_refs', input.evidenceRefs, policy);
  v.throwIfAny();

  const { brand, product } = input;
  const evidence = { brand_id: brand.brandId, complainant_id: input.complainantId, product_id: product.productId, kind: input.kind };
  const rejections: Reason[] = [];
  if (input.complainantId !== brand.ownerId) {
    rejections.push(reason('IP.NOT_BRAND_OWNER', 'Only the registered owner of the brand may file an IP complaint', evidence));
  }
  if (brand.expiresAt !== undefined && brand.expiresAt.getTime() <= now.getTime()) {
    rejections.push(reason('IP.TRADEMARK_EXPIRED', 'The trademark registration has expired', { ...evidence, expires_at: brand.expiresAt.toISOString() }));
  }
  if ((input.kind === 'TRADEMARK' || input.kind === 'COUNTERFEIT') && !anyCategoryCovers(brand.categoryCodes, product.categoryCode)) {
    rejections.push(reason('IP.OUTSIDE_TRADEMARK_SCOPE', 'The product is outside the categories the trademark covers', { ...evidence, category_code: product.categoryCode }));
  }
  if (policy.defeatedByAuthorisation.includes(input.kind) && mayMerchantSellBrand(brand, product.merchantId, product.categoryCode, merchantAuthorisations, now)) {
    rejections.push(reason('IP.MERCHANT_AUTHORISED', 'The merchant owns the brand or holds a valid authorisation for it', { ...evidence, merchant_id: product.merchantId }));
  }
  const takenDown = rejections.length === 0;
  return {
    takenDown,
    complaint: {
      complaintId: input.complaintId,
      brandId: brand.brandId,
      complainantId: input.complainantId,
      productId: product.productId,
      merchantId: product.merchantId,
      kind: input.kind,
      statement: input.statement,
      evidenceRefs: input.evidenceRefs,
      status: takenDown ? 'TAKEN_DOWN' : 'REJECTED',
      counterEvidenceRefs: [],
      reasons: takenDown ? [reason('IP.TAKEDOWN', 'The product is taken down on the brand owner\'s complaint', evidence)] : rejections,
      policy: policyRef(policy),
      filedAt: now,
    },
  };
};

/** While taken down: the last moment the merchant may counter-notify (the takedown is at filing). */
export const counterNoticeDueAt = (complaint: Pick<IpComplaint, 'status' | 'filedAt'>, policy: IpComplaintPolicy = IP_COMPLAINT_POLICY): Date | undefined =>
  complaint.status === 'TAKEN_DOWN' ? new Date(complaint.filedAt.getTime() + policy.counterNoticeWindowMs) : undefined;

/** The merchant answers a takedown; the owner then has the response window to escalate. */
export const fileCounterNotice = (
  complaint: IpComplaint,
  input: { merchantId: string; statement: string; evidenceRefs: readonly string[] },
  now: Date,
  policy: IpComplaintPolicy = IP_COMPLAINT_POLICY,
): IpComplaint => {
  const meta = checkStatementOfParty(complaint, input, policy, input.merchantId === complaint.merchantId, PARTY_STATEMENTS.counterNotice);
  if (now.getTime() > (counterNoticeDueAt(complaint, policy)?.getTime() ?? 0)) {
    throw failedPrecondition('IP.COUNTER_NOTICE_WINDOW_CLOSED', 'The counter-notice window has closed', meta);
  }
  const restoreDueAt = new Date(now.getTime() + policy.ownerResponseWindowMs);
  return {
    ...complaint,
    status: 'COUNTER_NOTICED',
    counterStatement: input.statement,
    counterEvidenceRefs: input.evidenceRefs,
    counterNoticedAt: now,
    restoreDueAt,
    reasons: [reason('IP.COUNTER_NOTICED', 'The merchant filed a counter-notice; the brand owner may escalate', { ...meta, restore_due_at: restoreDueAt.toISOString() })],
    policy: policyRef(policy),
  };
};

/** A reviewer upholds the takedown or restores the product (the use case then lifts the ban). */
export const decideIpComplaint = (
  complaint: IpComplaint,
  decision: { outcome: 'UPHOLD' | 'RESTORE'; reviewerId: string; note: string },
  now: Date,
  policy: IpComplaintPolicy = IP_COMPLAINT_POLICY,
): IpComplaint => {
  const v = new Violations();
  v.require('reviewer_id', decision.reviewerId);
  v.throwIfAny();
  if (complaint.status !== 'TAKEN_DOWN' && complaint.status !== 'COUNTER_NOTICED') {
    throw failedPrecondition('IP.NOT_OPEN', `A complaint in status ${complaint.status} cannot be decided`, {
      complaint_id: complaint.complaintId,
      status: complaint.status,
    });
  }
  const restore = decision.outcome === 'RESTORE';
  return {
    ...complaint,
    status: restore ? 'RESTORED' : 'UPHELD',
    reviewerId: decision.reviewerId,
    decidedAt: now,
    reasons: [
      reason(restore ? 'IP.RESTORED' : 'IP.UPHELD', restore ? 'The product is restored' : 'The takedown stands', {
        complaint_id: complaint.complaintId,
        reviewer_id: decision.reviewerId,
        ...(decision.note ? { note: decision.note } : {}),
      }),
    ],
    policy: policyRef(policy),
  };
};

/**
 * The brand owner tells the platform, within the response window, that it complained to the
 * authorities or sued (E-Commerce Law art. 43): the takedown then stays until a reviewer decides.
 */
export const escalateIpComplaint = (
  complaint: IpComplaint,
  input: { ownerId: string; statement: string; evidenceRefs: readonly string[] },
  now: Date,
  policy: IpComplaintPolicy = IP_COMPLAINT_POLICY,
): IpComplaint => {
  const meta = checkStatementOfParty(complaint, input, policy, input.ownerId === complaint.complainantId, PARTY_STATEMENTS.escalation);
  if (complaint.escalatedAt !== undefined) throw failedPrecondition('IP.ALREADY_ESCALATED', 'The complaint is already escalated', meta);
  if (complaint.restoreDueAt !== undefined && now.getTime() >= complaint.restoreDueAt.getTime()) {
    throw failedPrecondition('IP.RESPONSE_WINDOW_CLOSED', 'The response window after the counter-notice has closed', {
      ...meta,
      restore_due_at: complaint.restoreDueAt.toISOString(),
    });
  }
  return {
    ...complaint,
    escalatedAt: now,
    reasons: [
      reason('IP.ESCALATED', 'The brand owner escalated to the authorities or a court; the takedown stays until a reviewer decides', {
        ...meta,
        evidence_refs: input.evidenceRefs.join(','),
      }),
    ],
    policy: policyRef(policy),
  };
};

/**
 * Restores a counter-noticed product once the owner's response window has passed without
 * escalation; returns undefined when nothing is due (still waiting, or the owner escalated).
 */
export const restoreIfOwnerSilent = (
  complaint: IpComplaint,
  ownerEscalated: boolean,
  now: Date,
  policy: IpComplaintPolicy = IP_COMPLAINT_POLICY,
): IpComplaint | undefined => {
  if (complaint.status !== 'COUNTER_NOTICED' || ownerEscalated) return undefined;
  if (complaint.restoreDueAt === undefined || now.getTime() < complaint.restoreDueAt.getTime()) return undefined;
  return {
    ...complaint,
    status: 'RESTORED',
    decidedAt: now,
    reasons: [
      reason('IP.OWNER_DID_NOT_ESCALATE', 'The brand owner did not escalate within the response window', {
        complaint_id: complaint.complaintId,
        restore_due_at: complaint.restoreDueAt.toISOString(),
      }),
    ],
    policy: policyRef(policy),
  };
};
