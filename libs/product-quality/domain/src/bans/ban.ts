import { DomainError, type PolicyRef, type Reason, Violations, failedPrecondition, reason } from '@govern/policy-core';
import { BAN_POLICY, type BanPolicy } from './ban.policy';

export type BanCause = 'LAB_CRITICAL' | 'MERCHANT_REMOVED' | 'MANUAL' | 'IP_TAKEDOWN' | 'RE_UPLOAD';
export type BanStatus = 'ACTIVE' | 'UNDER_APPEAL' | 'LIFTED';
export type UnbanCause = 'MANUAL' | 'APPEAL_OVERTURNED' | 'IP_RESTORED' | 'MERCHANT_REINSTATED';
export type AppealStatus = 'PENDING' | 'UPHELD' | 'OVERTURNED';

export interface BannedProductRef {
  productId: string;
  merchantId: string;
  skuId: string;
  categoryCode: string;
}

export interface Ban extends BannedProductRef {
  banId: string;
  cause: BanCause;
  status: BanStatus;
  reasons: readonly Reason[];
  policy: PolicyRef;
  /** What caused the ban: lab result id, IP complaint id, merchant id or reviewer id. */
  sourceRef: string;
  bannedAt: Date;
  liftedAt?: Date | undefined;
  unbanCause?: UnbanCause | undefined;
  /** Appeals filed against this ban, oldest first. */
  appealIds: readonly string[];
}

export interface BanAppeal {
  appealId: string;
  banId: string;
  merchantId: string;
  statement: string;
  evidenceRefs: readonly string[];
  status: AppealStatus;
  filedAt: Date;
  reviewerId?: string | undefined;
  decisionNote?: string | undefined;
  decidedAt?: Date | undefined;
  reasons: readonly Reason[];
  policy: PolicyRef;
}

/** A ban stays in force while it is active or under appeal. */
export const isBanInForce = (ban: Pick<Ban, 'status'>): boolean => ban.status !== 'LIFTED';

const policyRef = (policy: BanPolicy): PolicyRef => ({ name: policy.name, version: policy.version });

/** Bans a product. A product has at most one ban in force. */
export const openBan = (
  input: { banId: string; product: BannedProductRef; cause: BanCause; reasons: readonly Reason[]; sourceRef: string },
  banInForce: Pick<Ban, 'banId' | 'status'> | undefined,
  now: Date,
  policy: BanPolicy = BAN_POLICY,
): Ban => {
  if (banInForce && isBanInForce(banInForce)) {
    throw failedPrecondition('PRODUCT.ALREADY_BANNED', 'The product is already banned', { ban_id: banInForce.banId });
  }
  if (input.reasons.length === 0) {
    throw failedPrecondition('BAN.REASON_REQUIRED', 'A ban needs at least one reason');
  }
  return {
    ...input.product,
    banId: input.banId,
    cause: input.cause,
    status: 'ACTIVE',
    reasons: input.reasons,
    policy: policyRef(policy),
    sourceRef: input.sourceRef,
    bannedAt: now,
    appealIds: [],
  };
};

/** Lifts a ban in force (manual unban, overturned appeal, IP restore, merchant reinstated). */
export const liftBan = (ban: Ban, cause: UnbanCause, now: Date): Ban => {
  if (!isBanInForce(ban)) throw failedPrecondition('BAN.NOT_IN_FORCE', 'The ban is already lifted', { ban_id: ban.banId });
  return { ...ban, status: 'LIFTED', liftedAt: now, unbanCause: cause };
};

/** A reviewer's unban: only of the causes a reviewer decides (see BanPolicy.liftedByReviewer). */
export const liftBanByReviewer = (ban: Ban, now: Date, policy: BanPolicy = BAN_POLICY): Ban => {
  if (isBanInForce(ban) && !policy.liftedByReviewer.includes(ban.cause)) {
    throw failedPrecondition('BAN.NOT_LIFTED_BY_REVIEWER', `A ban for ${ban.cause} is lifted by its own flow, not by an unban`, { ban_id: ban.banId, cause: ban.cause });
  }
  return liftBan(ban, 'MANUAL', now);
};

/** The merchant's appeal: owner only, within the window, one pending at a time, limited in number. */
export const fileBanAppeal = (
  ban: Ban,
  input: { appealId: string; merchantId: string; statement: string; evidenceRefs: readonly string[] },
  now: Date,
  policy: BanPolicy = BAN_POLICY,
): { ban: Ban; appeal: BanAppeal } => {
  const v = new Violations();
  v.require('statement', input.statement);
  v.maxLength('statement', input.statement, policy.limits.statementMaxChars);
  v.maxItems('evidence_refs', input.evidenceRefs, policy.limits.maxEvidenceRefs);
  v.throwIfAny();
  const meta = { ban_id: ban.banId };
  if (input.merchantId !== ban.merchantId) {
    throw new DomainError('PERMISSION_DENIED', 'BAN.APPEAL_NOT_OWNER', 'Only the merchant of the banned product may appeal', meta);
  }
  if (!policy.appealableCauses.includes(ban.cause)) {
    throw failedPrecondition('BAN.NOT_APPEALABLE', `A ban for ${ban.cause} is not appealed here`, { ...meta, cause: ban.cause });
  }
  if (ban.status === 'LIFTED') throw failedPrecondition('BAN.NOT_IN_FORCE', 'The ban is already lifted', meta);
  if (ban.status === 'UNDER_APPEAL') throw failedPrecondition('BAN.APPEAL_PENDING', 'An appeal is already pending', meta);
  if (now.getTime() - ban.bannedAt.getTime() > policy.appealWindowMs) {
    throw failedPrecondition('BAN.APPEAL_WINDOW_CLOSED', 'The appeal window has closed', { ...meta, banned_at: ban.bannedAt.toISOString() });
  }
  if (ban.appealIds.length >= policy.maxAppealsPerBan) {
    throw failedPrecondition('BAN.APPEALS_EXHAUSTED', 'No appeals are left for this ban', meta);
  }
  const appeal: BanAppeal = {
    appealId: input.appealId,
    banId: ban.banId,
    merchantId: input.merchantId,
    statement: input.statement,
    evidenceRefs: input.evidenceRefs,
    status: 'PENDING',
    filedAt: now,
    reasons: [],
    policy: policyRef(policy),
  };
  return { ban: { ...ban, status: 'UNDER_APPEAL', appealIds: [...ban.appealIds, appeal.appealId] }, appeal };
};

/** A reviewer decides a pending appeal: uphold keeps the ban, overturn lifts it. */
export const decideBanAppeal = (
  ban: Ban,
  appeal: BanAppeal,
  decision: { outcome: 'UPHOLD' | 'OVERTURN'; reviewerId: string; note: string },
  now: Date,
  policy: BanPolicy = BAN_POLICY,
): { ban: Ban; appeal: BanAppeal } => {
  const v = new Violations();
  v.require('reviewer_id', decision.reviewerId);
  v.throwIfAny();
  if (appeal.banId !== ban.banId) throw failedPrecondition('BAN.APPEAL_MISMATCH', 'The appeal is not about this ban', { ban_id: ban.banId });
  if (appeal.status !== 'PENDING') {
    throw failedPrecondition('BAN.APPEAL_ALREADY_DECIDED', 'The appeal is already decided', { appeal_id: appeal.appealId, status: appeal.status });
  }
  // Lifted meanwhile (a reviewer's unban, a reinstatement): upholding must not bring it back.
  if (!isBanInForce(ban)) throw failedPrecondition('BAN.NOT_IN_FORCE', 'The ban was lifted while the appeal was pending', { ban_id: ban.banId });
  const overturn = decision.outcome === 'OVERTURN';
  const decided: BanAppeal = {
    ...appeal,
    status: overturn ? 'OVERTURNED' : 'UPHELD',
    reviewerId: decision.reviewerId,
    decisionNote: decision.note,
    decidedAt: now,
    reasons: [
      reason(overturn ? 'BAN.APPEAL_OVERTURNED' : 'BAN.APPEAL_UPHELD', overturn ? 'The ban is lifted on appeal' : 'The ban stands', {
        reviewer_id: decision.reviewerId,
        ...(decision.note ? { note: decision.note } : {}),
      }),
    ],
    policy: policyRef(policy),
  };
  const nextBan = overturn ? liftBan(ban, 'APPEAL_OVERTURNED', now) : { ...ban, status: 'ACTIVE' as const };
  return { ban: nextBan, appeal: decided };
};

/** Bans to lift when merchant-access reinstates a merchant: those its removal caused. */
export const bansLiftedOnReinstatement = (bans: readonly Ban[], merchantId: string, policy: BanPolicy = BAN_POLICY): Ban[] =>
  bans.filter((b) => b.merchantId === merchantId && isBanInForce(b) && policy.liftedOnReinstatement.includes(b.cause));
