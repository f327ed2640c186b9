import { planBoostRemoval, policyRef, tierRank, type Tier } from '@govern/content-domain';
import { ContentTierChangedEvent } from '@govern/contracts-content';
import { boostedItemsOfMerchant, itemsLinkedTo, itemsMarkedBy, lockItems, updateTiers } from '../adapters/cascade.queries';
import { insertCascadeTierChanges } from '../adapters/content-items.repository';
import { JOB_KINDS } from '../jobs/job-kinds';
import { tierToProto } from '../mapping/enums';
import { applyBanOrRemoval } from './cascade-penalties';
import { liftBanOrRemoval } from './cascade-restore';
import { causeRefOf, MERCHANT_REMOVAL_CODES, PRODUCT_BAN_CODES, type CascadeTrigger } from './cascade-trigger';
import type { Work } from './work';

export type { CascadeTrigger } from './cascade-trigger';

/**
 * Items per batch: each batch is a handful of set-based statements over this many items in one
 * transaction; the next batch is a durable job, so a cascade over 10^5 items neither holds one
 * huge transaction nor loses its place on a restart.
 */
export const CASCADE_BATCH_SIZE = 2_000;

export interface CascadeJobPayload {
  trigger: CascadeTrigger;
  /** Items are processed in content_id order; this is the last one done. */
  after: string;
  causationId: string;
}

/** Next page of item ids the trigger concerns, in content_id order after `page.after`. */
const candidates = (work: Work, trigger: CascadeTrigger, page: { after: string; limit: number }): Promise<string[]> => {
  switch (trigger.type) {
    case 'PRODUCT_BANNED':
      return itemsLinkedTo(work.sql, { productId: trigger.productId }, page);
    case 'MERCHANT_REMOVED':
      return itemsLinkedTo(work.sql, { merchantId: trigger.merchantId }, page);
    case 'AFFILIATE_INELIGIBLE': {
      const cap = work.policy.tiers.affiliateIneligibleCap;
      const above = (['PREMIUM', 'STANDARD', 'LIMITED'] as Tier[]).filter((t) => tierRank(t) > tierRank(cap));
      return boostedItemsOfMerchant(work.sql, trigger.merchantId, above, page);
    }
    case 'PRODUCT_UNBANNED':
      return itemsMarkedBy(work.sql, { causeRef: causeRefOf(trigger), column: 'product_id', id: trigger.productId, codes: PRODUCT_BAN_CODES }, page);
    case 'MERCHANT_REINSTATED':
      return itemsMarkedBy(work.sql, { causeRef: causeRefOf(trigger), column: 'merchant_id', id: trigger.merchantId, codes: MERCHANT_REMOVAL_CODES }, page);
  }
};

/** Affiliate eligibility lost: the merchant's goods are no longer boosted in anyone's content. */
const removeBoost = async (work: Work, trigger: Extract<CascadeTrigger, { type: 'AFFILIATE_INELIGIBLE' }>, ids: readonly string[]): Promise<number> => {
  const { now } = work;
  const items = await lockItems(work.sql, ids);
  const removals = planBoostRemoval(
    trigger.merchantId,
    items.map((i) => ({ contentId: i.content_id, creatorId: i.creator_id, tier: i.tier })),
    work.policy,
  );
  if (removals.length === 0) return 0;
  const weightBefore = new Map(items.map((i) => [i.content_id, i.traffic_weight]));
  await updateTiers(work.sql, now, removals);
  await insertCascadeTierChanges(work.sql, now, 'AFFILIATE', removals);
  const policy = policyRef(work.policy);
  for (const r of removals) {
    work.emit(ContentTierChangedEvent, {
      contentId: r.contentId,
      creatorId: r.creatorId,
      tier: tierToProto(r.tier),
      trafficWeight: r.trafficWeight,
      previousTier: tierToProto(r.previousTier),
      previousTrafficWeight: weightBefore.get(r.contentId) ?? 0,
      reasons: r.reasons,
      policy,
    });
  }
  return removals.length;
};

/**
 * One batch of a cascade: the next `CASCADE_BATCH_SIZE` items after `after`, changed with a
 * few set-based statements (never one query per item). Returns where the next batch starts,
 * or undefined when the cascade is done.
 */
export const runCascadeBatch = async (
  work: Work,
  trigger: CascadeTrigger,
  after: string,
  batchSize = CASCADE_BATCH_SIZE,
  /** This page's candidates when the caller read them already (a consumer's batch-wide read). */
  page?: readonly string[],
): Promise<{ next: string | undefined; changed: number }> => {
  const ids = page ?? (await candidates(work, trigger, { after, limit: batchSize }));
  if (ids.length === 0) return { next: undefined, changed: 0 };
  let changed: number;
  switch (trigger.type) {
    case 'PRODUCT_BANNED':
    case 'MERCHANT_REMOVED':
      changed = await applyBanOrRemoval(work, trigger, ids);
      break;
    case 'PRODUCT_UNBANNED':
    case 'MERCHANT_REINSTATED':
      changed = await liftBanOrRemoval(work, trigger, ids);
      break;
    case 'AFFILIATE_INELIGIBLE':
      changed = await removeBoost(work, trigger, ids);
      break;
  }
  return { next: ids.length < batchSize ? undefined : ids[ids.length - 1], changed };
};

/**
 * Runs the first batch now (in the caller's transaction) and leaves the rest to durable jobs.
 * `firstPage`: the first `batchSize` candidates, when the caller read them already.
 */
export const startCascade = async (work: Work, trigger: CascadeTrigger, batchSize = CASCADE_BATCH_SIZE, firstPage?: readonly string[]): Promise<void> => {
  const { next } = await runCascadeBatch(work, trigger, '', batchSize, firstPage);
  if (next !== undefined) scheduleCascadeContinuation(work, { trigger, after: next, causationId: work.cause.causationId });
};

/** The next batch of a cascade: a durable job due now, keyed by the cascade and its position (so it is scheduled once). */
export const scheduleCascadeContinuation = (work: Work, payload: CascadeJobPayload): void =>
  work.schedule({ kind: JOB_KINDS.cascade, key: `${payload.causationId}:${payload.after}`, dueAt: work.now, payload: payload as unknown as Record<string, unknown> });

/** A cascade job: its next batch, and the one after it scheduled in the same transaction. */
export const continueCascade = async (work: Work, payload: CascadeJobPayload): Promise<void> => {
  const { next } = await runCascadeBatch(work, payload.trigger, payload.after);
  if (next !== undefined) scheduleCascadeContinuation(work, { ...payload, after: next });
};
