import type { MerchantOnboarded, MerchantReinstated, MerchantRemoved, MerchantSanctioned, StoreExperienceScoreChanged } from '@govern/contracts-merchant-access';
import { MerchantStatus, SanctionKind } from '@govern/contracts-merchant-access';
import { BAN_POLICY, type MerchantStanding, merchantRemovedBanReason, standingAfterSanction } from '@govern/product-quality-domain';
import { eventTime } from '@govern/platform-events';
import { applyStandingChange, type OnboardedMerchant, sendStandingChange, upsertOnboardedMerchants, upsertStoreScore } from '../adapters/merchants.repository';
import { activeProductsOfMerchant, bansInForceOfMerchant, merchantHasActiveProducts } from '../adapters/prisma-ban.repository';
import { JOB } from '../jobs/job-kinds';
import { banProducts, liftBans } from './ban-products';
import { rescoreMerchantProducts } from './quality-scores';
import type { Work } from './work';

export interface CascadeLimits {
  /** Products per statement (and per outbox insert). */
  batchSize: number;
  /** Products per transaction; the rest continue in a durable job, so no transaction grows without bound. */
  perTransaction: number;
}

/** When merchant-access says the change happened; never ahead of our clock (a time far ahead would freeze later changes as "older"). */
const occurredAt = (meta: { occurredAt?: Date | undefined } | undefined, now: Date): Date => eventTime(meta?.occurredAt, now);

/** An onboarding as the merchants table takes it. */
export const onboardedMerchant = (event: MerchantOnboarded, now: Date): OnboardedMerchant => ({
  merchantId: event.merchantId,
  approvedCategoryCodes: event.restrictions?.approvedCategoryCodes ?? [],
  listingQuota: event.restrictions?.listingQuota ?? 0,
  at: occurredAt(event.meta, now),
});

export const onMerchantOnboarded = async (work: Work, event: MerchantOnboarded): Promise<void> => {
  // Terms always apply; the standing is ACTIVE for a new merchant and left alone otherwise
  // (a sanction that overtook the onboarding event keeps its effect).
  upsertOnboardedMerchants(work.sql, [onboardedMerchant(event, work.now)]);
};

const SANCTION_STANDING: Partial<Record<SanctionKind, MerchantStanding>> = {
  [SanctionKind.SANCTION_KIND_LISTING_RESTRICTED]: 'LISTING_RESTRICTED',
  [SanctionKind.SANCTION_KIND_SUSPENDED]: 'SUSPENDED',
  [SanctionKind.SANCTION_KIND_REMOVED]: 'REMOVED',
};

/** A listing restriction or suspension: the gate blocks new listings (and edits when suspended). */
export const onMerchantSanctioned = async (work: Work, event: MerchantSanctioned): Promise<void> => {
  const sanction = SANCTION_STANDING[event.kind];
  if (!sanction) return;
  sendStandingChange(work.sql, {
    merchantId: event.merchantId,
    change: (current) => standingAfterSanction(current, sanction),
    at: occurredAt(event.meta, work.now),
    sanctionId: event.sanctionId,
    sanctionEndsAt: event.endsAt ?? null,
  });
};

const banRemovedMerchantProducts = async (
  work: Work,
  removal: { merchantId: string; sanctionId: string; zeroTolerance: boolean; reasonCodes: readonly string[] },
  limits: CascadeLimits,
): Promise<{ banned: number; more: boolean }> => {
  const reasons = [merchantRemovedBanReason({ merchantId: removal.merchantId, sanctionId: removal.sanctionId, zeroTolerance: removal.zeroTolerance, removalReasonCodes: removal.reasonCodes })];
  let banned = 0;
  while (banned < limits.perTransaction) {
    const take = Math.min(limits.batchSize, limits.perTransaction - banned);
    const batch = await activeProductsOfMerchant(work.tx, removal.merchantId, take);
    if (batch.length === 0) return { banned, more: false };
    const done = await banProducts(work, {
      products: batch.map((productId) => ({ productId })),
      cause: 'MERCHANT_REMOVED',
      reasons,
      policy: { name: BAN_POLICY.name, version: BAN_POLICY.version },
      sourceRef: removal.merchantId,
      actorId: 'merchant-access',
    });
    // This batch's events are written now, so a large cascade's memory stays bounded.
    work.flush();
    banned += done.length;
    if (batch.length < take) return { banned, more: false };
  }
  return { banned, more: await merchantHasActiveProducts(work.tx, removal.merchantId) };
};

const scheduleContinuation = (work: Work, removal: RemovalJobPayload): void => {
  work.schedule({ kind: JOB.MERCHANT_REMOVAL_CONTINUE, key: `${removal.merchant_id}:${removal.removal_event_id}:${removal.round}`, dueAt: work.now, payload: { ...removal } });
};

/** What the continuation job needs to go on banning where the last transaction stopped. */
export interface RemovalJobPayload {
  merchant_id: string;
  sanction_id: string;
  zero_tolerance: boolean;
  reason_codes: string[];
  removal_event_id: string;
  correlation_id: string;
  round: number;
}

/**
 * Cascade 2: a removed merchant's products are all banned, a batch per statement, one
 * ProductBanned per product (set-based; no call or query per product). Up to
 * `limits.perTransaction` in this transaction; a durable job takes the rest.
 */
export const onMerchantRemoved = async (work: Work, event: MerchantRemoved, eventId: string, limits: CascadeLimits): Promise<number> => {
  const at = occurredAt(event.meta, work.now);
  const applied = await applyStandingChange(work.sql, { merchantId: event.merchantId, change: () => 'REMOVED', at, sanctionId: event.sanctionId, sanctionEndsAt: null, removedAt: at });
  if (!applied) return 0;
  const removal = { merchantId: event.merchantId, sanctionId: event.sanctionId, zeroTolerance: event.zeroTolerance, reasonCodes: event.reasons.map((r) => r.code) };
  const correlationId = event.meta?.correlationId || eventId;
  const { banned, more } = await banRemovedMerchantProducts(work, removal, limits);
  if (more) {
    scheduleContinuation(work, {
        merchant_id: removal.merchantId,
        sanction_id: removal.sanctionId,
        zero_tolerance: removal.zeroTolerance,
        reason_codes: removal.reasonCodes,
        removal_event_id: eventId,
        correlation_id: correlationId,
        round: 1,
    });
  }
  return banned;
};

/** The continuation job: bans the next share if the merchant is still removed. */
export const continueMerchantRemoval = async (work: Work, payload: RemovalJobPayload, limits: CascadeLimits): Promise<number> => {
  const merchant = await work.tx.merchant.findUnique({ where: { merchantId: payload.merchant_id }, select: { standing: true } });
  // Reinstated meanwhile: what is left stays on sale.
  if (merchant?.standing !== 'REMOVED') return 0;
  const { banned, more } = await banRemovedMerchantProducts(
    work,
    { merchantId: payload.merchant_id, sanctionId: payload.sanction_id, zeroTolerance: payload.zero_tolerance, reasonCodes: payload.reason_codes },
    limits,
  );
  if (more) scheduleContinuation(work, { ...payload, round: payload.round + 1 });
  return banned;
};

const STATUS_STANDING: Partial<Record<MerchantStatus, MerchantStanding>> = {
  [MerchantStatus.MERCHANT_STATUS_ACTIVE]: 'ACTIVE',
  [MerchantStatus.MERCHANT_STATUS_LISTING_RESTRICTED]: 'LISTING_RESTRICTED',
  [MerchantStatus.MERCHANT_STATUS_SUSPENDED]: 'SUSPENDED',
  [MerchantStatus.MERCHANT_STATUS_REMOVED]: 'REMOVED',
};

/**
 * A sanction ended (expired or overturned): the standing becomes what merchant-access says it
 * is now. When that lifts a removal, the bans the removal caused are lifted too (a batch per
 * statement), one ProductUnbanned each.
 */
export const onMerchantReinstated = async (work: Work, event: MerchantReinstated, limits: CascadeLimits): Promise<number> => {
  const standing = STATUS_STANDING[event.status] ?? 'ACTIVE';
  const applied = await applyStandingChange(work.sql, {
    merchantId: event.merchantId,
    change: () => standing,
    at: occurredAt(event.meta, work.now),
    sanctionId: null,
    sanctionEndsAt: null,
    // A reinstatement that leaves the merchant removed keeps the time of the removal.
    removedAt: standing !== 'REMOVED' ? null : undefined,
  });
  if (!applied || standing === 'REMOVED' || applied.before !== 'REMOVED') return 0;
  let lifted = 0;
  for (;;) {
    const bans = await bansInForceOfMerchant(work.tx, event.merchantId, BAN_POLICY.liftedOnReinstatement, limits.batchSize);
    if (bans.length === 0) return lifted;
    lifted += (await liftBans(work, bans, { unbanCause: 'MERCHANT_REINSTATED', actorId: 'merchant-access', message: 'merchant reinstated' })).length;
    work.flush();
  }
};

/** The store score is part of every product's prior: the merchant's active products are rescored. */
export const onStoreExperienceScoreChanged = async (work: Work, event: StoreExperienceScoreChanged, limits: CascadeLimits): Promise<number> => {
  // merchant-access scores only merchants it onboarded; one we have not heard of yet is taken as active.
  const changed = await upsertStoreScore(work.sql, { merchantId: event.merchantId, storeScore: event.neutral ? null : event.score, at: occurredAt(event.meta, work.now) });
  if (!changed) return 0;
  return rescoreMerchantProducts(work, event.merchantId, limits.batchSize);
};
