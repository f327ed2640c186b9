import { ProductBannedEvent, ProductUnbannedEvent } from '@govern/contracts-product-quality';
import type { ProductQualityTx } from '@govern/product-quality-data-access';
import type { BanCause, UnbanCause } from '@govern/product-quality-domain';
import type { PolicyRef, Reason } from '@govern/policy-core';
import { type BanTarget, type BannedProduct, insertBans, type LiftedBan, liftBansInForce } from '../adapters/prisma-ban.repository';
import type { OutboxBatch } from '../events/emit';
import { banCauses, unbanCauses } from '../mapping/enums';
import { policyOf, toProtoReasons } from '../mapping/json';
import type { UseCaseDeps } from './deps';

export interface BanRequest {
  /** Products to ban, without ban ids: ids are minted here, one per product. */
  products: readonly Omit<BanTarget, 'banId'>[];
  cause: BanCause;
  reasons: readonly Reason[];
  policy: PolicyRef;
  sourceRef: string;
  actorId: string;
}

/**
 * Bans products set-based (see insertBans) and appends one ProductBanned per product that
 * was actually banned: a product already banned gets neither a second ban nor a second event.
 */
export const banProducts = async (tx: ProductQualityTx, deps: UseCaseDeps, request: BanRequest, events: OutboxBatch): Promise<BannedProduct[]> => {
  const now = deps.clock.now();
  const targets = request.products.map((p) => ({ ...p, banId: deps.ids.next() }));
  const banned = await insertBans(tx, { targets, cause: request.cause, reasons: request.reasons, policy: request.policy, sourceRef: request.sourceRef, actorId: request.actorId, now });
  const reasons = toProtoReasons(request.reasons);
  for (const b of banned) {
    events.add(ProductBannedEvent, {
      productId: b.productId,
      merchantId: b.merchantId,
      skuId: b.skuId,
      categoryCode: b.categoryCode,
      cause: banCauses.toProto(request.cause),
      reasons,
      banId: b.banId,
      policy: policyOf(request.policy),
      sourceRef: request.sourceRef,
      bannedAt: now,
    });
  }
  return banned;
};

/** Lifts bans in force and appends one ProductUnbanned per ban lifted. */
export const liftBans = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  banIds: readonly string[],
  lift: { unbanCause: UnbanCause; actorId: string; message: string },
  events: OutboxBatch,
): Promise<LiftedBan[]> => {
  const now = deps.clock.now();
  const lifted = await liftBansInForce(tx, banIds, { ...lift, now });
  for (const l of lifted) {
    events.add(ProductUnbannedEvent, {
      productId: l.productId,
      merchantId: l.merchantId,
      banId: l.banId,
      cause: unbanCauses.toProto(lift.unbanCause),
      liftedAt: now,
    });
  }
  return lifted;
};
