import type { ContentTx, PenaltyRow } from '@govern/content-data-access';
import {
  planBoostRemoval,
  planCascade,
  planOverturn,
  policyRef,
  tierRank,
  type PenaltyRecord,
  type PenaltyState,
  type ProductLink,
  type Tier,
} from '@govern/content-domain';
import { ContentPenalisedEvent, ContentRestoredEvent, ContentTierChangedEvent, PenaltyAction, PenaltySource, RestoreCause } from '@govern/contracts-content';
import { scheduleJobs } from '@govern/platform-db';
import { reason, type Reason } from '@govern/policy-core';
import type { ContentDeps } from '../deps';
import type { EventBatch } from '../events/event-batch';
import { JOB_KINDS } from '../jobs/job-kinds';
import { severityToProto, tierToProto } from '../mapping/enums';
import { stringsOf } from '../mapping/json';
import { insertTierChanges } from './tier-history';

/** An upstream change that content follows across every item it concerns. */
export type CascadeTrigger =
  | { type: 'PRODUCT_BANNED'; productId: string; cause: string }
  | { type: 'MERCHANT_REMOVED'; merchantId: string }
  | { type: 'PRODUCT_UNBANNED'; productId: string }
  | { type: 'MERCHANT_REINSTATED'; merchantId: string }
  | { type: 'AFFILIATE_INELIGIBLE'; merchantId: string };

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

/** Refusal codes of links that are down because of a product ban / a merchant removal. */
const PRODUCT_BAN_CODES = ['CONTENT.LINK.BANNED_PRODUCT', 'CONTENT.CASCADE.PRODUCT_BANNED'];
const MERCHANT_REMOVAL_CODES = ['CONTENT.LINK.REMOVED_MERCHANT', 'CONTENT.CASCADE.MERCHANT_REMOVED'];

/** What a penalty following an upstream fact names as its cause (`penalties.cause_ref`). */
export const causeRefOf = (trigger: CascadeTrigger): string =>
  trigger.type === 'PRODUCT_BANNED' || trigger.type === 'PRODUCT_UNBANNED' ? `product:${trigger.productId}` : `merchant:${trigger.merchantId}`;

interface ItemRow {
  content_id: string;
  creator_id: string;
  tier: Tier;
  traffic_weight: number;
  kind: string;
  livestream_id: string | null;
}

interface LinkRow {
  content_id: string;
  product_id: string;
  merchant_id: string;
  state: 'ACTIVE' | 'UNLINKED';
  unlinked_reason_code: string | null;
}

const lockItems = (tx: ContentTx, ids: readonly string[]): Promise<ItemRow[]> =>
  tx.$queryRawUnsafe<ItemRow[]>(
    `SELECT content_id, creator_id, tier, traffic_weight, kind, livestream_id FROM content_items
      WHERE content_id = ANY($1::text[]) ORDER BY content_id FOR UPDATE`,
    ids,
  );

const linksOf = (tx: ContentTx, ids: readonly string[]): Promise<LinkRow[]> =>
  tx.$queryRawUnsafe<LinkRow[]>(
    `SELECT content_id, product_id, merchant_id, state, unlinked_reason_code FROM content_product_links WHERE content_id = ANY($1::text[])`,
    ids,
  );

const groupBy = <T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
};

/** Next page of item ids the trigger concerns, in content_id order after `after`. */
const candidates = async (tx: ContentTx, deps: ContentDeps, trigger: CascadeTrigger, after: string, limit: number): Promise<string[]> => {
  let rows: { content_id: string }[];
  switch (trigger.type) {
    case 'PRODUCT_BANNED':
      rows = await tx.$queryRawUnsafe(
        `SELECT DISTINCT content_id FROM content_product_links WHERE product_id = $1 AND state = 'ACTIVE' AND content_id > $2 ORDER BY content_id LIMIT $3`,
        trigger.productId,
        after,
        limit,
      );
      break;
    case 'MERCHANT_REMOVED':
      rows = await tx.$queryRawUnsafe(
        `SELECT DISTINCT content_id FROM content_product_links WHERE merchant_id = $1 AND state = 'ACTIVE' AND content_id > $2 ORDER BY content_id LIMIT $3`,
        trigger.merchantId,
        after,
        limit,
      );
      break;
    case 'AFFILIATE_INELIGIBLE': {
      const cap = deps.policy.tiers.affiliateIneligibleCap;
      const above = (['PREMIUM', 'STANDARD', 'LIMITED'] as Tier[]).filter((t) => tierRank(t) > tierRank(cap));
      rows = await tx.$queryRawUnsafe(
        `SELECT DISTINCT l.content_id FROM content_product_links l JOIN content_items c ON c.content_id = l.content_id
          WHERE l.merchant_id = $1 AND l.state = 'ACTIVE' AND c.tier = ANY($2::text[]) AND l.content_id > $3
          ORDER BY l.content_id LIMIT $4`,
        trigger.merchantId,
        above,
        after,
        limit,
      );
      break;
    }
    case 'PRODUCT_UNBANNED':
    case 'MERCHANT_REINSTATED': {
      const column = trigger.type === 'PRODUCT_UNBANNED' ? 'product_id' : 'merchant_id';
      const id = trigger.type === 'PRODUCT_UNBANNED' ? trigger.productId : trigger.merchantId;
      rows = await tx.$queryRawUnsafe(
        `SELECT content_id FROM (
           SELECT content_id FROM penalties WHERE cause_ref = $1 AND state = 'ACTIVE' AND content_id IS NOT NULL
           UNION
           SELECT content_id FROM content_product_links WHERE ${column} = $2 AND state = 'UNLINKED' AND unlinked_reason_code = ANY($3::text[])
         ) concerned WHERE content_id > $4 ORDER BY content_id LIMIT $5`,
        causeRefOf(trigger),
        id,
        trigger.type === 'PRODUCT_UNBANNED' ? PRODUCT_BAN_CODES : MERCHANT_REMOVAL_CODES,
        after,
        limit,
      );
      break;
    }
  }
  return rows.map((r) => r.content_id);
};

const updateTiers = async (tx: ContentTx, now: Date, changes: readonly { contentId: string; tier: Tier; trafficWeight: number }[]): Promise<void> => {
  if (changes.length === 0) return;
  await tx.$executeRawUnsafe(
    `UPDATE content_items c SET tier = u.tier, traffic_weight = u.weight, updated_at = $4
       FROM unnest($1::text[], $2::text[], $3::float8[]) AS u(id, tier, weight) WHERE c.content_id = u.id`,
    changes.map((c) => c.contentId),
    changes.map((c) => c.tier),
    changes.map((c) => c.trafficWeight),
    now,
  );
};

const setLinkStates = async (
  tx: ContentTx,
  now: Date,
  pairs: readonly { contentId: string; productId: string }[],
  state: 'ACTIVE' | 'UNLINKED',
  code: string | null,
): Promise<void> => {
  if (pairs.length === 0) return;
  await tx.$executeRawUnsafe(
    `UPDATE content_product_links l SET state = $3, unlinked_reason_code = $4, updated_at = $5
       FROM unnest($1::text[], $2::text[]) AS u(content_id, product_id)
      WHERE l.content_id = u.content_id AND l.product_id = u.product_id`,
    pairs.map((p) => p.contentId),
    pairs.map((p) => p.productId),
    state,
    code,
    now,
  );
};

const recordTierChanges = (
  tx: ContentTx,
  now: Date,
  cause: string,
  changes: readonly { contentId: string; creatorId: string; previousTier: Tier; tier: Tier }[],
): Promise<void> => insertTierChanges(tx, now, cause, changes.map((c) => ({ contentId: c.contentId, creatorId: c.creatorId, fromTier: c.previousTier, toTier: c.tier })));

/** Product ban or merchant removal: limit or unlink every item that sells it, one penalty and its events per item. */
const applyBanOrRemoval = async (
  tx: ContentTx,
  deps: ContentDeps,
  events: EventBatch,
  trigger: Extract<CascadeTrigger, { type: 'PRODUCT_BANNED' | 'MERCHANT_REMOVED' }>,
  ids: readonly string[],
): Promise<number> => {
  const now = deps.clock.now();
  const { policy } = deps;
  const items = await lockItems(tx, ids);
  const links = groupBy(await linksOf(tx, ids), (l) => l.content_id);
  const plan = planCascade(
    trigger,
    items.map((item) => ({
      contentId: item.content_id,
      creatorId: item.creator_id,
      tier: item.tier,
      productLinks: (links.get(item.content_id) ?? []).map((l): ProductLink => ({ productId: l.product_id, merchantId: l.merchant_id, state: l.state })),
    })),
    policy,
  );
  const itemOf = new Map(items.map((i) => [i.content_id, i]));
  const effective = plan.decisions.filter((d) => d.tierChanged || d.unlinkProductIds.length > 0);
  if (effective.length === 0) return 0;

  const severity = trigger.type === 'PRODUCT_BANNED' ? policy.violations.severity.BANNED_PRODUCT_LINK : policy.violations.severity.REMOVED_MERCHANT_LINK;
  const linkCode = trigger.type === 'PRODUCT_BANNED' ? 'CONTENT.CASCADE.PRODUCT_BANNED' : 'CONTENT.CASCADE.MERCHANT_REMOVED';
  const causeRef = causeRefOf(trigger);
  const tierChanges = effective.filter((d) => d.tierChanged);

  await updateTiers(tx, now, tierChanges);
  await setLinkStates(
    tx,
    now,
    effective.flatMap((d) => d.unlinkProductIds.map((productId) => ({ contentId: d.contentId, productId }))),
    'UNLINKED',
    linkCode,
  );
  const penaltyIds = effective.map(() => deps.ids.next());
  await tx.$executeRawUnsafe(
    `INSERT INTO penalties (id, creator_id, content_id, livestream_id, content_kind, action, severity, credit_points, source, previous_tier,
                           applied_tier, unlinked_product_ids, deduction_ids, violation_keys, reasons, policy_name, policy_version, state,
                           cause_ref, imposed_at, appeal_deadline)
     SELECT u.id, u.creator_id, u.content_id, u.livestream_id, u.content_kind, $11, $12, 0, 'CASCADE', u.previous_tier,
            u.applied_tier, u.unlinked::jsonb, '[]'::jsonb, u.keys::jsonb, u.reasons::jsonb, $13, $14, 'ACTIVE',
            $15, $16, NULL
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
         AS u(id, creator_id, content_id, livestream_id, content_kind, previous_tier, applied_tier, unlinked, keys, reasons)`,
    penaltyIds,
    effective.map((d) => d.creatorId),
    effective.map((d) => d.contentId),
    effective.map((d) => itemOf.get(d.contentId)?.livestream_id ?? null),
    effective.map((d) => itemOf.get(d.contentId)?.kind ?? null),
    effective.map((d) => d.previousTier),
    effective.map((d) => (d.tierChanged ? d.tier : null)),
    effective.map((d) => JSON.stringify(d.unlinkProductIds)),
    effective.map((d) =>
      JSON.stringify(
        trigger.type === 'PRODUCT_BANNED' ? [`banned_product:${trigger.productId}`] : d.affectedProductIds.map((p) => `removed_merchant:${trigger.merchantId}:${p}`),
      ),
    ),
    effective.map((d) => JSON.stringify(d.reasons)),
    plan.action === 'LIMIT' ? 'LIMITED' : 'UNLINKED',
    severity,
    plan.policy.name,
    plan.policy.version,
    causeRef,
    now,
  );
  await recordTierChanges(tx, now, 'CASCADE', tierChanges);

  effective.forEach((d, i) => {
    const item = itemOf.get(d.contentId) as ItemRow;
    events.add(ContentPenalisedEvent, {
      contentId: d.contentId,
      creatorId: d.creatorId,
      penaltyId: penaltyIds[i] ?? '',
      action: d.action === 'LIMIT' ? PenaltyAction.PENALTY_ACTION_LIMITED : PenaltyAction.PENALTY_ACTION_UNLINKED,
      severity: severityToProto(severity),
      creditPoints: 0,
      source: PenaltySource.PENALTY_SOURCE_CASCADE,
      unlinkedProductIds: d.unlinkProductIds,
      reasons: d.reasons,
      policy: plan.policy,
      livestreamId: item.livestream_id ?? '',
      appealDeadline: undefined,
    });
    if (d.tierChanged) {
      events.add(ContentTierChangedEvent, {
        contentId: d.contentId,
        creatorId: d.creatorId,
        tier: tierToProto(d.tier),
        trafficWeight: d.trafficWeight,
        previousTier: tierToProto(d.previousTier),
        previousTrafficWeight: item.traffic_weight,
        reasons: d.reasons,
        policy: plan.policy,
      });
    }
  });
  return effective.length;
};

const toPenaltyRecord = (row: PenaltyRow): PenaltyRecord => ({
  id: row.id,
  creatorId: row.creatorId,
  contentId: row.contentId ?? undefined,
  state: row.state as PenaltyState,
  imposedAt: row.imposedAt,
  previousTier: (row.previousTier ?? undefined) as Tier | undefined,
  appliedTier: (row.appliedTier ?? undefined) as Tier | undefined,
  unlinkedProductIds: stringsOf(row.unlinkedProductIds),
  deductionIds: stringsOf(row.deductionIds),
});

/**
 * Product unbanned or merchant reinstated: the penalties that followed it are lifted, the links
 * it took down come back (unless another ban or removal still holds them), and the tier returns
 * to what it was before, still capped by penalties that remain in force.
 */
const liftBanOrRemoval = async (
  tx: ContentTx,
  deps: ContentDeps,
  events: EventBatch,
  trigger: Extract<CascadeTrigger, { type: 'PRODUCT_UNBANNED' | 'MERCHANT_REINSTATED' }>,
  ids: readonly string[],
): Promise<number> => {
  const now = deps.clock.now();
  const { policy } = deps;
  const ref = causeRefOf(trigger);
  const items = await lockItems(tx, ids);
  const links = await linksOf(tx, ids);
  const linksByItem = groupBy(links, (l) => l.content_id);
  const activePenalties = groupBy(await tx.penalty.findMany({ where: { contentId: { in: [...ids] }, state: 'ACTIVE' }, orderBy: { imposedAt: 'asc' } }), (p) => p.contentId ?? '');
  const facts = await tx.$queryRawUnsafe<{ fact: 'banned' | 'removed'; id: string }[]>(
    `SELECT 'banned' AS fact, product_id AS id FROM banned_products WHERE product_id = ANY($1::text[])
     UNION ALL SELECT 'removed', merchant_id FROM removed_merchants WHERE merchant_id = ANY($2::text[])`,
    [...new Set(links.map((l) => l.product_id))],
    [...new Set(links.map((l) => l.merchant_id))],
  );
  const banned = new Set(facts.filter((f) => f.fact === 'banned').map((f) => f.id));
  const removed = new Set(facts.filter((f) => f.fact === 'removed').map((f) => f.id));
  const codes = trigger.type === 'PRODUCT_UNBANNED' ? PRODUCT_BAN_CODES : MERCHANT_REMOVAL_CODES;
  const concerns = (l: LinkRow): boolean => (trigger.type === 'PRODUCT_UNBANNED' ? l.product_id === trigger.productId : l.merchant_id === trigger.merchantId);
  const restoreCause = trigger.type === 'PRODUCT_UNBANNED' ? RestoreCause.RESTORE_CAUSE_PRODUCT_UNBANNED : RestoreCause.RESTORE_CAUSE_MERCHANT_REINSTATED;
  const why: Reason =
    trigger.type === 'PRODUCT_UNBANNED'
      ? reason('CONTENT.CASCADE.PRODUCT_UNBANNED', `Product ${trigger.productId} was unbanned`, { product_id: trigger.productId })
      : reason('CONTENT.CASCADE.MERCHANT_REINSTATED', `Merchant ${trigger.merchantId} was reinstated`, { merchant_id: trigger.merchantId });

  const tierChanges: { contentId: string; creatorId: string; previousTier: Tier; previousWeight: number; tier: Tier; trafficWeight: number }[] = [];
  const relinks: { contentId: string; productId: string }[] = [];
  const liftedIds: string[] = [];
  const restored: { item: ItemRow; penaltyId: string; tier: Tier; relinked: string[] }[] = [];
  for (const item of items) {
    const pens = activePenalties.get(item.content_id) ?? [];
    const lifted = pens.filter((p) => p.causeRef === ref);
    const others = pens.filter((p) => p.causeRef !== ref).map(toPenaltyRecord);
    const merchantOf = new Map((linksByItem.get(item.content_id) ?? []).map((l) => [l.product_id, l.merchant_id]));
    let tier = item.tier;
    const tierSetter = lifted.find((p) => p.appliedTier !== null && p.previousTier !== null);
    if (tierSetter) {
      const plan = planOverturn({ penalty: toPenaltyRecord(tierSetter), otherActivePenalties: others, merchantOf, bannedProductIds: banned, removedMerchantIds: removed }, policy);
      // Lifting never lowers a tier (the item may have been re-assessed lower since).
      if (plan.restoredTier && tierRank(plan.restoredTier) > tierRank(item.tier)) tier = plan.restoredTier;
    }
    const relinked = (linksByItem.get(item.content_id) ?? [])
      .filter((l) => l.state === 'UNLINKED' && concerns(l) && codes.includes(l.unlinked_reason_code ?? '') && !banned.has(l.product_id) && !removed.has(l.merchant_id))
      .map((l) => l.product_id);
    if (lifted.length === 0 && relinked.length === 0 && tier === item.tier) continue;
    liftedIds.push(...lifted.map((p) => p.id));
    relinks.push(...relinked.map((productId) => ({ contentId: item.content_id, productId })));
    if (tier !== item.tier) {
      tierChanges.push({
        contentId: item.content_id,
        creatorId: item.creator_id,
        previousTier: item.tier,
        previousWeight: item.traffic_weight,
        tier,
        trafficWeight: policy.tiers.trafficWeight[tier],
      });
    }
    restored.push({ item, penaltyId: lifted[0]?.id ?? '', tier, relinked });
  }
  if (restored.length === 0) return 0;

  await updateTiers(tx, now, tierChanges);
  await setLinkStates(tx, now, relinks, 'ACTIVE', null);
  if (liftedIds.length > 0) {
    await tx.$executeRawUnsafe(`UPDATE penalties SET state = 'LIFTED', ended_at = $2 WHERE id = ANY($1::text[])`, liftedIds, now);
  }
  await recordTierChanges(tx, now, 'RESTORE', tierChanges);

  const ref_ = policyRef(policy);
  for (const r of restored) {
    events.add(ContentRestoredEvent, {
      contentId: r.item.content_id,
      creatorId: r.item.creator_id,
      penaltyId: r.penaltyId,
      appealId: '',
      cause: restoreCause,
      tier: tierToProto(r.tier),
      trafficWeight: policy.tiers.trafficWeight[r.tier],
      relinkedProductIds: r.relinked,
    });
  }
  for (const c of tierChanges) {
    events.add(ContentTierChangedEvent, {
      contentId: c.contentId,
      creatorId: c.creatorId,
      tier: tierToProto(c.tier),
      trafficWeight: c.trafficWeight,
      previousTier: tierToProto(c.previousTier),
      previousTrafficWeight: c.previousWeight,
      reasons: [why],
      policy: ref_,
    });
  }
  return restored.length;
};

/** Affiliate eligibility lost: the merchant's goods are no longer boosted in anyone's content. */
const removeBoost = async (
  tx: ContentTx,
  deps: ContentDeps,
  events: EventBatch,
  trigger: Extract<CascadeTrigger, { type: 'AFFILIATE_INELIGIBLE' }>,
  ids: readonly string[],
): Promise<number> => {
  const now = deps.clock.now();
  const items = await lockItems(tx, ids);
  const removals = planBoostRemoval(
    trigger.merchantId,
    items.map((i) => ({ contentId: i.content_id, creatorId: i.creator_id, tier: i.tier })),
    deps.policy,
  );
  if (removals.length === 0) return 0;
  const weightBefore = new Map(items.map((i) => [i.content_id, i.traffic_weight]));
  await updateTiers(tx, now, removals);
  await recordTierChanges(tx, now, 'AFFILIATE', removals);
  const policy = policyRef(deps.policy);
  for (const r of removals) {
    events.add(ContentTierChangedEvent, {
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
  tx: ContentTx,
  deps: ContentDeps,
  events: EventBatch,
  trigger: CascadeTrigger,
  after: string,
  batchSize = CASCADE_BATCH_SIZE,
): Promise<{ next: string | undefined; changed: number }> => {
  const ids = await candidates(tx, deps, trigger, after, batchSize);
  if (ids.length === 0) return { next: undefined, changed: 0 };
  let changed: number;
  switch (trigger.type) {
    case 'PRODUCT_BANNED':
    case 'MERCHANT_REMOVED':
      changed = await applyBanOrRemoval(tx, deps, events, trigger, ids);
      break;
    case 'PRODUCT_UNBANNED':
    case 'MERCHANT_REINSTATED':
      changed = await liftBanOrRemoval(tx, deps, events, trigger, ids);
      break;
    case 'AFFILIATE_INELIGIBLE':
      changed = await removeBoost(tx, deps, events, trigger, ids);
      break;
  }
  return { next: ids.length < batchSize ? undefined : ids[ids.length - 1], changed };
};

/** Runs the first batch now (in the caller's transaction) and leaves the rest to durable jobs. */
export const startCascade = async (
  tx: ContentTx,
  deps: ContentDeps,
  events: EventBatch,
  trigger: CascadeTrigger,
  causationId: string,
  batchSize = CASCADE_BATCH_SIZE,
): Promise<void> => {
  const { next } = await runCascadeBatch(tx, deps, events, trigger, '', batchSize);
  if (next !== undefined) await scheduleCascadeContinuation(tx, deps, { trigger, after: next, causationId });
};

export const scheduleCascadeContinuation = (tx: ContentTx, deps: ContentDeps, payload: CascadeJobPayload): Promise<void> =>
  scheduleJobs(tx, [
    { kind: JOB_KINDS.cascade, key: `${payload.causationId}:${payload.after}`, dueAt: deps.clock.now(), payload: payload as unknown as Record<string, unknown> },
  ]);
