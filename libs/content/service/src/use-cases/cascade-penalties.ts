import { planCascade, type ProductLink } from '@govern/content-domain';
import { ContentPenalisedEvent, ContentTierChangedEvent, PenaltyAction, PenaltySource } from '@govern/contracts-content';
import { insertCascadePenalties, linksOf, lockItems, setLinkStates, updateTiers, type CascadeItemRow } from '../adapters/cascade.queries';
import { insertCascadeTierChanges } from '../adapters/content-items.repository';
import { severityToProto, tierToProto } from '../mapping/enums';
import { causeRefOf, groupBy, type CascadeTrigger } from './cascade-trigger';
import type { Work } from './work';

/**
 * Product ban or merchant removal: limit or unlink every item that sells it (the policy's cascade
 * table decides which), one penalty and its events per item. The penalties name the upstream fact
 * (`cause_ref`), so lifting it later undoes exactly what they did.
 */
export const applyBanOrRemoval = async (work: Work, trigger: Extract<CascadeTrigger, { type: 'PRODUCT_BANNED' | 'MERCHANT_REMOVED' }>, ids: readonly string[]): Promise<number> => {
  const { now, policy } = work;
  const items = await lockItems(work.sql, ids);
  const links = groupBy(await linksOf(work.sql, ids), (l) => l.content_id);
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

  const banned = trigger.type === 'PRODUCT_BANNED';
  const severity = banned ? policy.violations.severity.BANNED_PRODUCT_LINK : policy.violations.severity.REMOVED_MERCHANT_LINK;
  const linkCode = banned ? 'CONTENT.CASCADE.PRODUCT_BANNED' : 'CONTENT.CASCADE.MERCHANT_REMOVED';
  const tierChanges = effective.filter((d) => d.tierChanged);

  await updateTiers(work.sql, now, tierChanges);
  await setLinkStates(
    work.sql,
    now,
    effective.flatMap((d) => d.unlinkProductIds.map((productId) => ({ contentId: d.contentId, productId }))),
    'UNLINKED',
    linkCode,
  );
  const penalties = effective.map((d) => {
    const item = itemOf.get(d.contentId) as CascadeItemRow;
    return {
      decision: d,
      item,
      penalty: {
        id: work.newId(),
        creatorId: d.creatorId,
        contentId: d.contentId,
        livestreamId: item.livestream_id,
        contentKind: item.kind,
        previousTier: d.previousTier,
        appliedTier: d.tierChanged ? d.tier : null,
        unlinkedProductIds: d.unlinkProductIds,
        violationKeys: banned ? [`banned_product:${trigger.productId}`] : d.affectedProductIds.map((p) => `removed_merchant:${trigger.merchantId}:${p}`),
        reasons: d.reasons,
      },
    };
  });
  await insertCascadePenalties(
    work.sql,
    { action: plan.action === 'LIMIT' ? 'LIMITED' : 'UNLINKED', severity, policy: plan.policy, causeRef: causeRefOf(trigger), imposedAt: now },
    penalties.map((p) => p.penalty),
  );
  await insertCascadeTierChanges(work.sql, now, 'CASCADE', tierChanges);

  for (const { decision: d, item, penalty } of penalties) {
    work.emit(ContentPenalisedEvent, {
      contentId: d.contentId,
      creatorId: d.creatorId,
      penaltyId: penalty.id,
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
      work.emit(ContentTierChangedEvent, {
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
  }
  return effective.length;
};
