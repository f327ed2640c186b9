import type { ProductQualityTx } from '@govern/product-quality-data-access';
import {
  BAN_POLICY,
  type Ban,
  type BanAppeal,
  type BanCause,
  decideBanAppeal,
  fileBanAppeal,
  liftBanByReviewer,
  manualBanReason,
  openBan,
} from '@govern/product-quality-domain';
import { failedPrecondition, notFound } from '@govern/policy-core';
import { findBan, findBans } from '../adapters/prisma-ban.repository';
import { OutboxBatch } from '../events/emit';
import { banAppealFromRow } from '../mapping/resources';
import { reasonsJson } from '../mapping/json';
import { banProducts, liftBans } from './ban-products';
import type { UseCaseDeps } from './deps';

const productNotFound = (productId: string) => notFound('PRODUCT.NOT_FOUND', 'No such product', { product_id: productId });

/** SKUs of a product's listings (and its own first SKU). */
const skusOfProduct = async (tx: ProductQualityTx, productId: string): Promise<string[]> => {
  const rows = await tx.$queryRawUnsafe<{ sku_id: string }[]>(
    `SELECT sku_id FROM products WHERE product_id = $1 UNION SELECT sku_id FROM listings WHERE product_id = $1`,
    productId,
  );
  return rows.map((r) => r.sku_id);
};

/** Other active products of the merchant listed under any of the SKUs. */
export const sameSkuProducts = async (tx: ProductQualityTx, merchantId: string, skuIds: readonly string[], exceptProductId: string): Promise<string[]> => {
  const rows = await tx.$queryRawUnsafe<{ product_id: string }[]>(
    `SELECT DISTINCT l.product_id FROM listings l JOIN products p ON p.product_id = l.product_id
      WHERE l.merchant_id = $1 AND l.sku_id = ANY($2::text[]) AND l.product_id <> $3 AND p.status = 'ACTIVE'
      ORDER BY l.product_id`,
    merchantId,
    skuIds,
    exceptProductId,
  );
  return rows.map((r) => r.product_id);
};

export interface ManualBanCommand {
  requestId: string;
  productId: string;
  cause: Extract<BanCause, 'MANUAL' | 'RE_UPLOAD'>;
  actorId: string;
  message: string;
  evidence: Readonly<Record<string, string>>;
  includeSameSku: boolean;
}

/** A reviewer bans a product (and, if asked, the merchant's other products of its SKUs). */
export const banProductManually = async (tx: ProductQualityTx, deps: UseCaseDeps, command: ManualBanCommand): Promise<{ ban: Ban; related: Ban[] }> => {
  const product = await tx.product.findUnique({ where: { productId: command.productId } });
  if (!product) throw productNotFound(command.productId);
  const reasons = [manualBanReason(command)];
  // The domain rule (one ban in force, reasons required) decides before anything is written.
  openBan(
    { banId: '', product: { productId: product.productId, merchantId: product.merchantId, skuId: product.skuId, categoryCode: product.categoryCode }, cause: command.cause, reasons, sourceRef: command.actorId },
    product.activeBanId ? { banId: product.activeBanId, status: 'ACTIVE' } : undefined,
    deps.clock.now(),
  );
  const related = command.includeSameSku ? await sameSkuProducts(tx, product.merchantId, await skusOfProduct(tx, product.productId), product.productId) : [];
  const events = new OutboxBatch(deps, { causationId: command.requestId });
  const banned = await banProducts(
    tx,
    deps,
    {
      products: [{ productId: product.productId }, ...related.map((productId) => ({ productId }))],
      cause: command.cause,
      reasons,
      policy: { name: BAN_POLICY.name, version: BAN_POLICY.version },
      sourceRef: command.actorId,
      actorId: command.actorId,
    },
    events,
  );
  const own = banned.find((b) => b.productId === product.productId);
  // The product row was ACTIVE a moment ago; a concurrent ban got there first.
  if (!own) throw failedPrecondition('PRODUCT.ALREADY_BANNED', 'The product is already banned', { product_id: product.productId });
  await events.flush(tx);
  const bans = await findBans(tx, banned.map((b) => b.banId));
  return { ban: bans.find((b) => b.banId === own.banId) as Ban, related: bans.filter((b) => b.banId !== own.banId) };
};

/** A reviewer lifts the ban in force on a product (of a cause reviewers decide). A removed merchant's products stay banned. */
export const unbanProduct = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  command: { requestId: string; productId: string; actorId: string; message: string },
): Promise<Ban> => {
  const product = await tx.product.findUnique({ where: { productId: command.productId } });
  if (!product) throw productNotFound(command.productId);
  const ban = product.activeBanId ? await findBan(tx, product.activeBanId) : undefined;
  if (!ban) throw failedPrecondition('BAN.NOT_IN_FORCE', 'The product is not banned', { product_id: command.productId });
  liftBanByReviewer(ban, deps.clock.now());
  const merchant = await tx.merchant.findUnique({ where: { merchantId: product.merchantId }, select: { standing: true } });
  if (merchant?.standing === 'REMOVED') {
    throw failedPrecondition('BAN.MERCHANT_REMOVED', 'The merchant is removed: its products stay banned until merchant-access reinstates it', {
      merchant_id: product.merchantId,
    });
  }
  const events = new OutboxBatch(deps, { causationId: command.requestId });
  await liftBans(tx, deps, [ban.banId], { unbanCause: 'MANUAL', actorId: command.actorId, message: command.message }, events);
  await events.flush(tx);
  return (await findBan(tx, ban.banId)) as Ban;
};

export const fileAppeal = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  command: { banId: string; merchantId: string; statement: string; evidenceRefs: readonly string[] },
): Promise<{ ban: Ban; appeal: BanAppeal }> => {
  const ban = await findBan(tx, command.banId);
  if (!ban) throw notFound('BAN.NOT_FOUND', 'No such ban', { ban_id: command.banId });
  const filed = fileBanAppeal(ban, { appealId: deps.ids.next(), ...command }, deps.clock.now());
  const { appeal } = filed;
  await tx.banAppeal.create({
    data: {
      appealId: appeal.appealId,
      banId: appeal.banId,
      merchantId: appeal.merchantId,
      statement: appeal.statement,
      evidenceRefs: [...appeal.evidenceRefs],
      status: appeal.status,
      reasons: reasonsJson(appeal.reasons),
      policyName: appeal.policy.name,
      policyVersion: appeal.policy.version,
      filedAt: appeal.filedAt,
    },
  });
  // Guarded on the status read, so two concurrent appeals cannot both move the ban.
  const moved = await tx.ban.updateMany({ where: { banId: ban.banId, status: ban.status }, data: { status: filed.ban.status, appealIds: [...filed.ban.appealIds] } });
  if (moved.count === 0) throw failedPrecondition('BAN.CHANGED_CONCURRENTLY', 'The ban changed meanwhile; read it again', { ban_id: ban.banId });
  return filed;
};

export const decideAppeal = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  command: { requestId: string; appealId: string; outcome: 'UPHOLD' | 'OVERTURN'; reviewerId: string; note: string },
): Promise<{ ban: Ban; appeal: BanAppeal }> => {
  const row = await tx.banAppeal.findUnique({ where: { appealId: command.appealId } });
  if (!row) throw notFound('BAN.APPEAL_NOT_FOUND', 'No such appeal', { appeal_id: command.appealId });
  const ban = (await findBan(tx, row.banId)) as Ban;
  const decided = decideBanAppeal(ban, banAppealFromRow(row), command, deps.clock.now());
  const { appeal } = decided;
  const updated = await tx.banAppeal.updateMany({
    where: { appealId: appeal.appealId, status: 'PENDING' },
    data: {
      status: appeal.status,
      reviewerId: appeal.reviewerId ?? null,
      decisionNote: appeal.decisionNote ?? null,
      decidedAt: appeal.decidedAt ?? null,
      reasons: reasonsJson(appeal.reasons),
      policyName: appeal.policy.name,
      policyVersion: appeal.policy.version,
    },
  });
  if (updated.count === 0) throw failedPrecondition('BAN.APPEAL_ALREADY_DECIDED', 'The appeal is already decided', { appeal_id: appeal.appealId });
  if (command.outcome === 'OVERTURN') {
    const events = new OutboxBatch(deps, { causationId: command.requestId });
    await liftBans(tx, deps, [ban.banId], { unbanCause: 'APPEAL_OVERTURNED', actorId: command.reviewerId, message: command.note }, events);
    await events.flush(tx);
  } else {
    await tx.ban.updateMany({ where: { banId: ban.banId, status: 'UNDER_APPEAL' }, data: { status: 'ACTIVE' } });
  }
  return { ban: (await findBan(tx, ban.banId)) as Ban, appeal };
};
