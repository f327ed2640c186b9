import type { MerchantOnboarded, MerchantReinstated, MerchantRemoved, MerchantSanctioned, StoreExperienceScoreChanged } from '@govern/contracts-merchant-access';
import { MerchantStatus, SanctionKind } from '@govern/contracts-merchant-access';
import type { ProductQualityTx } from '@govern/product-quality-data-access';
import { BAN_POLICY, type MerchantStanding, merchantRemovedBanReason, standingAfterSanction } from '@govern/product-quality-domain';
import { scheduleJobs } from '@govern/platform-db';
import { eventTime } from '@govern/platform-events';
import { OutboxBatch, type EventCause } from '../events/emit';
import { banProducts, liftBans } from './ban-products';
import type { UseCaseDeps } from './deps';
import { rescoreMerchantProducts } from './quality-scores';

/** Durable timer: the rest of a removed merchant's products, when there are more than one transaction bans. */
export const MERCHANT_REMOVAL_JOB = 'product_quality.merchant_removal.continue';

export interface CascadeLimits {
  /** Products per statement (and per outbox insert). */
  batchSize: number;
  /** Products per transaction; the rest continue in a durable job, so no transaction grows without bound. */
  perTransaction: number;
}

/** When merchant-access says the change happened; never ahead of our clock (a time far ahead would freeze later changes as "older"). */
const occurredAt = (meta: { occurredAt?: Date | undefined } | undefined, now: Date): Date => eventTime(meta?.occurredAt, now);

/**
 * Applies a standing change unless a later change was applied already (events can arrive out
 * of order after a redelivery): `updated_at` holds the time merchant-access changed the merchant.
 * Returns the standing before, or undefined when the change was stale.
 */
const applyStanding = async (
  tx: ProductQualityTx,
  merchantId: string,
  change: (current: MerchantStanding | undefined) => MerchantStanding,
  at: Date,
  extra: { sanctionId?: string | null; sanctionEndsAt?: Date | null; removedAt?: Date | null } = {},
): Promise<{ before: MerchantStanding | undefined; after: MerchantStanding } | undefined> => {
  const current = await tx.merchant.findUnique({ where: { merchantId } });
  if (current && current.updatedAt.getTime() > at.getTime()) return undefined;
  const before = current?.standing as MerchantStanding | undefined;
  const after = change(before);
  await tx.merchant.upsert({
    where: { merchantId },
    create: { merchantId, standing: after, updatedAt: at, ...extra },
    update: { standing: after, updatedAt: at, ...extra },
  });
  return { before, after };
};

export const onMerchantOnboarded = async (tx: ProductQualityTx, event: MerchantOnboarded, now: Date): Promise<void> => {
  const at = occurredAt(event.meta, now);
  const terms = {
    approvedCategoryCodes: [...(event.restrictions?.approvedCategoryCodes ?? [])],
    listingQuota: event.restrictions?.listingQuota ?? 0,
  };
  // Terms always apply; the standing is ACTIVE for a new merchant and left alone otherwise
  // (a sanction that overtook the onboarding event keeps its effect).
  await tx.merchant.upsert({
    where: { merchantId: event.merchantId },
    create: { merchantId: event.merchantId, standing: 'ACTIVE', updatedAt: at, ...terms },
    update: terms,
  });
};

const SANCTION_STANDING: Partial<Record<SanctionKind, MerchantStanding>> = {
  [SanctionKind.SANCTION_KIND_LISTING_RESTRICTED]: 'LISTING_RESTRICTED',
  [SanctionKind.SANCTION_KIND_SUSPENDED]: 'SUSPENDED',
  [SanctionKind.SANCTION_KIND_REMOVED]: 'REMOVED',
};

/** A listing restriction or suspension: the gate blocks new listings (and edits when suspended). */
export const onMerchantSanctioned = async (tx: ProductQualityTx, event: MerchantSanctioned, now: Date): Promise<void> => {
  const sanction = SANCTION_STANDING[event.kind];
  if (!sanction) return;
  await applyStanding(tx, event.merchantId, (current) => standingAfterSanction(current, sanction), occurredAt(event.meta, now), {
    sanctionId: event.sanctionId,
    sanctionEndsAt: event.endsAt ?? null,
  });
};

const banRemovedMerchantProducts = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  removal: { merchantId: string; sanctionId: string; zeroTolerance: boolean; reasonCodes: readonly string[] },
  limits: CascadeLimits,
  cause: EventCause,
): Promise<{ banned: number; more: boolean }> => {
  const reasons = [merchantRemovedBanReason({ merchantId: removal.merchantId, sanctionId: removal.sanctionId, zeroTolerance: removal.zeroTolerance, removalReasonCodes: removal.reasonCodes })];
  let banned = 0;
  while (banned < limits.perTransaction) {
    const take = Math.min(limits.batchSize, limits.perTransaction - banned);
    const batch = await tx.$queryRawUnsafe<{ product_id: string }[]>(
      `SELECT product_id FROM products WHERE merchant_id = $1 AND status = 'ACTIVE' ORDER BY product_id LIMIT $2`,
      removal.merchantId,
      take,
    );
    if (batch.length === 0) return { banned, more: false };
    const events = new OutboxBatch(deps, cause);
    const done = await banProducts(
      tx,
      deps,
      {
        products: batch.map((p) => ({ productId: p.product_id })),
        cause: 'MERCHANT_REMOVED',
        reasons,
        policy: { name: BAN_POLICY.name, version: BAN_POLICY.version },
        sourceRef: removal.merchantId,
        actorId: 'merchant-access',
      },
      events,
    );
    await events.flush(tx);
    banned += done.length;
    if (batch.length < take) return { banned, more: false };
  }
  const [left] = await tx.$queryRawUnsafe<{ more: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM products WHERE merchant_id = $1 AND status = 'ACTIVE') AS more`,
    removal.merchantId,
  );
  return { banned, more: left?.more ?? false };
};

const scheduleContinuation = async (tx: ProductQualityTx, removal: RemovalJobPayload, now: Date): Promise<void> => {
  await scheduleJobs(tx, [{ kind: MERCHANT_REMOVAL_JOB, key: `${removal.merchant_id}:${removal.removal_event_id}:${removal.round}`, dueAt: now, payload: { ...removal } }]);
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
export const onMerchantRemoved = async (tx: ProductQualityTx, deps: UseCaseDeps, event: MerchantRemoved, eventId: string, limits: CascadeLimits): Promise<number> => {
  const now = deps.clock.now();
  const at = occurredAt(event.meta, now);
  const applied = await applyStanding(tx, event.merchantId, () => 'REMOVED', at, { sanctionId: event.sanctionId, sanctionEndsAt: null, removedAt: at });
  if (!applied) return 0;
  const removal = { merchantId: event.merchantId, sanctionId: event.sanctionId, zeroTolerance: event.zeroTolerance, reasonCodes: event.reasons.map((r) => r.code) };
  const correlationId = event.meta?.correlationId || eventId;
  const { banned, more } = await banRemovedMerchantProducts(tx, deps, removal, limits, { causationId: eventId, correlationId });
  if (more) {
    await scheduleContinuation(
      tx,
      {
        merchant_id: removal.merchantId,
        sanction_id: removal.sanctionId,
        zero_tolerance: removal.zeroTolerance,
        reason_codes: removal.reasonCodes,
        removal_event_id: eventId,
        correlation_id: correlationId,
        round: 1,
      },
      now,
    );
  }
  return banned;
};

/** The continuation job: bans the next share if the merchant is still removed. */
export const continueMerchantRemoval = async (tx: ProductQualityTx, deps: UseCaseDeps, payload: RemovalJobPayload, limits: CascadeLimits): Promise<number> => {
  const merchant = await tx.merchant.findUnique({ where: { merchantId: payload.merchant_id }, select: { standing: true } });
  // Reinstated meanwhile: what is left stays on sale.
  if (merchant?.standing !== 'REMOVED') return 0;
  const { banned, more } = await banRemovedMerchantProducts(
    tx,
    deps,
    { merchantId: payload.merchant_id, sanctionId: payload.sanction_id, zeroTolerance: payload.zero_tolerance, reasonCodes: payload.reason_codes },
    limits,
    { causationId: payload.removal_event_id, correlationId: payload.correlation_id },
  );
  if (more) await scheduleContinuation(tx, { ...payload, round: payload.round + 1 }, deps.clock.now());
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
export const onMerchantReinstated = async (tx: ProductQualityTx, deps: UseCaseDeps, event: MerchantReinstated, eventId: string, limits: CascadeLimits): Promise<number> => {
  const standing = STATUS_STANDING[event.status] ?? 'ACTIVE';
  const applied = await applyStanding(tx, event.merchantId, () => standing, occurredAt(event.meta, deps.clock.now()), {
    sanctionId: null,
    sanctionEndsAt: null,
    ...(standing !== 'REMOVED' ? { removedAt: null } : {}),
  });
  if (!applied || standing === 'REMOVED' || applied.before !== 'REMOVED') return 0;
  const cause = { causationId: eventId, correlationId: event.meta?.correlationId || eventId };
  let lifted = 0;
  for (;;) {
    const bans = await tx.$queryRawUnsafe<{ ban_id: string }[]>(
      `SELECT ban_id FROM bans WHERE merchant_id = $1 AND cause = ANY($2::text[]) AND status <> 'LIFTED' ORDER BY ban_id LIMIT $3`,
      event.merchantId,
      BAN_POLICY.liftedOnReinstatement,
      limits.batchSize,
    );
    if (bans.length === 0) return lifted;
    const events = new OutboxBatch(deps, cause);
    lifted += (await liftBans(tx, deps, bans.map((b) => b.ban_id), { unbanCause: 'MERCHANT_REINSTATED', actorId: 'merchant-access', message: 'merchant reinstated' }, events)).length;
    await events.flush(tx);
  }
};

/** The store score is part of every product's prior: the merchant's active products are rescored. */
export const onStoreExperienceScoreChanged = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  event: StoreExperienceScoreChanged,
  eventId: string,
  limits: CascadeLimits,
): Promise<number> => {
  const storeScore = event.neutral ? null : event.score;
  const at = occurredAt(event.meta, deps.clock.now());
  const current = await tx.merchant.findUnique({ where: { merchantId: event.merchantId }, select: { storeScore: true } });
  // merchant-access scores only merchants it onboarded; one we have not heard of yet is taken as active.
  await tx.merchant.upsert({
    where: { merchantId: event.merchantId },
    create: { merchantId: event.merchantId, standing: 'ACTIVE', storeScore, updatedAt: at },
    update: { storeScore },
  });
  if (current && current.storeScore === storeScore) return 0;
  const events = new OutboxBatch(deps, { causationId: eventId, correlationId: event.meta?.correlationId || eventId });
  const rescored = await rescoreMerchantProducts(tx, deps, event.merchantId, events, limits.batchSize);
  await events.flush(tx);
  return rescored;
};
