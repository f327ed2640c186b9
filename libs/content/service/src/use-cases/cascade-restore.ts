import { planOverturn, policyRef, tierRank, type Tier } from '@govern/content-domain';
import { ContentRestoredEvent, ContentTierChangedEvent, RestoreCause } from '@govern/contracts-content';
import { reason, type Reason } from '@govern/policy-core';
import { liftPenalties, linksOf, lockItems, setLinkStates, updateTiers, type CascadeItemRow, type CascadeLinkRow } from '../adapters/cascade.queries';
import { insertCascadeTierChanges, linkFacts } from '../adapters/content-items.repository';
import { tierToProto } from '../mapping/enums';
import { penaltyRecordOf } from '../mapping/json';
import { causeRefOf, groupBy, MERCHANT_REMOVAL_CODES, PRODUCT_BAN_CODES, type CascadeTrigger } from './cascade-trigger';
import type { Work } from './work';

/**
 * Product unbanned or merchant reinstated: the penalties that followed it are lifted, the links
 * it took down come back (unless another ban or removal still holds them), and the tier returns
 * to what it was before, still capped by penalties that remain in force.
 */
export const liftBanOrRemoval = async (work: Work, trigger: Extract<CascadeTrigger, { type: 'PRODUCT_UNBANNED' | 'MERCHANT_REINSTATED' }>, ids: readonly string[]): Promise<number> => {
  const { tx, now, policy } = work;
  const ref = causeRefOf(trigger);
  const items = await lockItems(work.sql, ids);
  const links = await linksOf(work.sql, ids);
  const linksByItem = groupBy(links, (l) => l.content_id);
  const activePenalties = groupBy(await tx.penalty.findMany({ where: { contentId: { in: [...ids] }, state: 'ACTIVE' }, orderBy: { imposedAt: 'asc' } }), (p) => p.contentId ?? '');
  const facts = await linkFacts(work.sql, [...new Set(links.map((l) => l.product_id))], [...new Set(links.map((l) => l.merchant_id))]);
  const banned = new Set(facts.filter((f) => f.fact === 'banned').map((f) => f.id));
  const removed = new Set(facts.filter((f) => f.fact === 'removed').map((f) => f.id));
  const codes = trigger.type === 'PRODUCT_UNBANNED' ? PRODUCT_BAN_CODES : MERCHANT_REMOVAL_CODES;
  const concerns = (l: CascadeLinkRow): boolean => (trigger.type === 'PRODUCT_UNBANNED' ? l.product_id === trigger.productId : l.merchant_id === trigger.merchantId);
  const restoreCause = trigger.type === 'PRODUCT_UNBANNED' ? RestoreCause.RESTORE_CAUSE_PRODUCT_UNBANNED : RestoreCause.RESTORE_CAUSE_MERCHANT_REINSTATED;
  const why: Reason =
    trigger.type === 'PRODUCT_UNBANNED'
      ? reason('CONTENT.CASCADE.PRODUCT_UNBANNED', `Product ${trigger.productId} was unbanned`, { product_id: trigger.productId })
      : reason('CONTENT.CASCADE.MERCHANT_REINSTATED', `Merchant ${trigger.merchantId} was reinstated`, { merchant_id: trigger.merchantId });

  const tierChanges: { contentId: string; creatorId: string; previousTier: Tier; previousWeight: number; tier: Tier; trafficWeight: number }[] = [];
  const relinks: { contentId: string; productId: string }[] = [];
  const liftedIds: string[] = [];
  const restored: { item: CascadeItemRow; penaltyId: string; tier: Tier; relinked: string[] }[] = [];
  for (const item of items) {
    const pens = activePenalties.get(item.content_id) ?? [];
    const lifted = pens.filter((p) => p.causeRef === ref);
    const others = pens.filter((p) => p.causeRef !== ref).map(penaltyRecordOf);
    const merchantOf = new Map((linksByItem.get(item.content_id) ?? []).map((l) => [l.product_id, l.merchant_id]));
    let tier = item.tier;
    const tierSetter = lifted.find((p) => p.appliedTier !== null && p.previousTier !== null);
    if (tierSetter) {
      const plan = planOverturn({ penalty: penaltyRecordOf(tierSetter), otherActivePenalties: others, merchantOf, bannedProductIds: banned, removedMerchantIds: removed }, policy);
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

  await updateTiers(work.sql, now, tierChanges);
  await setLinkStates(work.sql, now, relinks, 'ACTIVE', null);
  await liftPenalties(work.sql, liftedIds, now);
  await insertCascadeTierChanges(work.sql, now, 'RESTORE', tierChanges);

  const decidedUnder = policyRef(policy);
  for (const r of restored) {
    work.emit(ContentRestoredEvent, {
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
    work.emit(ContentTierChangedEvent, {
      contentId: c.contentId,
      creatorId: c.creatorId,
      tier: tierToProto(c.tier),
      trafficWeight: c.trafficWeight,
      previousTier: tierToProto(c.previousTier),
      previousTrafficWeight: c.previousWeight,
      reasons: [why],
      policy: decidedUnder,
    });
  }
  return restored.length;
};
