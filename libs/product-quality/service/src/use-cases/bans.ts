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
import { findBan, findBans, sameSkuProducts, skusOfProduct } from '../adapters/prisma-ban.repository';
import { banAppealFromRow } from '../mapping/resources';
import { reasonsJson } from '../mapping/json';
import { banProducts, liftBans } from './ban-products';
import type { Work } from './work';

const productNotFound = (productId: string) => notFound('PRODUCT.NOT_FOUND', 'No such product', { product_id: productId });

export interface ManualBanCommand {
  productId: string;
  cause: Extract<BanCause, 'MANUAL' | 'RE_UPLOAD'>;
  actorId: string;
  message: string;
  evidence: Readonly<Record<string, string>>;
  includeSameSku: boolean;
}

/** A reviewer bans a product (and, if asked, the merchant's other products of its SKUs). */
export const banProductManually = async (work: Work, command: ManualBanCommand): Promise<{ ban: Ban; related: Ban[] }> => {
  const { tx } = work;
  const product = await tx.product.findUnique({ where: { productId: command.productId } });
  if (!product) throw productNotFound(command.productId);
  const reasons = [manualBanReason(command)];
  // The domain rule (one ban in force, reasons required) decides before anything is written.
  openBan(
    { banId: '', product: { productId: product.productId, merchantId: product.merchantId, skuId: product.skuId, categoryCode: product.categoryCode }, cause: command.cause, reasons, sourceRef: command.actorId },
    product.activeBanId ? { banId: product.activeBanId, status: 'ACTIVE' } : undefined,
    work.now,
  );
  const related = command.includeSameSku ? await sameSkuProducts(tx, product.merchantId, await skusOfProduct(tx, product.productId), product.productId) : [];
  const banned = await banProducts(work, {
      products: [{ productId: product.productId }, ...related.map((productId) => ({ productId }))],
      cause: command.cause,
      reasons,
      policy: { name: BAN_POLICY.name, version: BAN_POLICY.version },
      sourceRef: command.actorId,
      actorId: command.actorId,
  });
  const own = banned.find((b) => b.productId === product.productId);
  // The product row was ACTIVE a moment ago; a concurrent ban got there first.
  if (!own) throw failedPrecondition('PRODUCT.ALREADY_BANNED', 'The product is already banned', { product_id: product.productId });
  const bans = await findBans(tx, banned.map((b) => b.banId));
  return { ban: bans.find((b) => b.banId === own.banId) as Ban, related: bans.filter((b) => b.banId !== own.banId) };
};

/** A reviewer lifts the ban in force on a product (of a cause reviewers decide). A removed merchant's products stay banned. */
export const unbanProduct = async (work: Work, command: { productId: string; actorId: string; message: string }): Promise<Ban> => {
  const { tx } = work;
  const product = await tx.product.findUnique({ where: { productId: command.productId } });
  if (!product) throw productNotFound(command.productId);
  const ban = product.activeBanId ? await findBan(tx, product.activeBanId) : undefined;
  if (!ban) throw failedPrecondition('BAN.NOT_IN_FORCE', 'The product is not banned', { product_id: command.productId });
  liftBanByReviewer(ban, work.now);
  const merchant = await tx.merchant.findUnique({ where: { merchantId: product.merchantId }, select: { standing: true } });
  if (merchant?.standing === 'REMOVED') {
    throw failedPrecondition('BAN.MERCHANT_REMOVED', 'The merchant is removed: its products stay banned until merchant-access reinstates it', {
      merchant_id: product.merchantId,
    });
  }
  await liftBans(work, [ban.banId], { unbanCause: 'MANUAL', actorId: command.actorId, message: command.message });
  return (await findBan(tx, ban.banId)) as Ban;
};

export const fileAppeal = async (
  work: Work,
  command: { banId: string; merchantId: string; statement: string; evidenceRefs: readonly string[] },
): Promise<{ ban: Ban; appeal: BanAppeal }> => {
  const { tx } = work;
  const ban = await findBan(tx, command.banId);
  if (!ban) throw notFound('BAN.NOT_FOUND', 'No such ban', { ban_id: command.banId });
  const filed = fileBanAppeal(ban, { appealId: work.newId(), ...command }, work.now);
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
  work: Work,
  command: { appealId: string; outcome: 'UPHOLD' | 'OVERTURN'; reviewerId: string; note: string },
): Promise<{ ban: Ban; appeal: BanAppeal }> => {
  const { tx } = work;
  const row = await tx.banAppeal.findUnique({ where: { appealId: command.appealId } });
  if (!row) throw notFound('BAN.APPEAL_NOT_FOUND', 'No such appeal', { appeal_id: command.appealId });
  const ban = (await findBan(tx, row.banId)) as Ban;
  const decided = decideBanAppeal(ban, banAppealFromRow(row), command, work.now);
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
      await liftBans(work, [ban.banId], { unbanCause: 'APPEAL_OVERTURNED', actorId: command.reviewerId, message: command.note });
    } else {
    await tx.ban.updateMany({ where: { banId: ban.banId, status: 'UNDER_APPEAL' }, data: { status: 'ACTIVE' } });
  }
  return { ban: (await findBan(tx, ban.banId)) as Ban, appeal };
};
