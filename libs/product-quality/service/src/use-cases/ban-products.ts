import { ProductBannedEvent, ProductUnbannedEvent } from '@govern/contracts-product-quality';
import type { BanCause, UnbanCause } from '@govern/product-quality-domain';
import type { PolicyRef, Reason } from '@govern/policy-core';
import { type BanTarget, type BannedProduct, insertBans, type LiftedBan, liftBansInForce } from '../adapters/prisma-ban.repository';
import { banCauses, unbanCauses } from '../mapping/enums';
import { policyOf, toProtoReasons } from '../mapping/json';
import type { Work } from './work';

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
 * Bans products set-based (see insertBans) and emits one ProductBanned per product that
 * was actually banned: a product already banned gets neither a second ban nor a second event.
 */
export const banProducts = async (work: Work, request: BanRequest): Promise<BannedProduct[]> => {
  const now = work.now;
  const targets = request.products.map((p) => ({ ...p, banId: work.newId() }));
  const banned = await insertBans(work.tx, { targets, cause: request.cause, reasons: request.reasons, policy: request.policy, sourceRef: request.sourceRef, actorId: request.actorId, now });
  const reasons = toProtoReasons(request.reasons);
  for (const b of banned) {
    work.emit(ProductBannedEvent, {
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

/** Lifts bans in force and emits one ProductUnbanned per ban lifted. */
export const liftBans = async (work: Work, banIds: readonly string[], lift: { unbanCause: UnbanCause; actorId: string; message: string }): Promise<LiftedBan[]> => {
  const now = work.now;
  const lifted = await liftBansInForce(work.tx, banIds, { ...lift, now });
  for (const l of lifted) {
    work.emit(ProductUnbannedEvent, {
      productId: l.productId,
      merchantId: l.merchantId,
      banId: l.banId,
      cause: unbanCauses.toProto(lift.unbanCause),
      liftedAt: now,
    });
  }
  return lifted;
};
