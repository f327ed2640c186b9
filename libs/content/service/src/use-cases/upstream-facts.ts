import type { Reason } from '@govern/policy-core';
import { recordBan, rememberApprovedProduct, rememberBannedProduct, type BanRecord } from '../adapters/known-products.repository';
import { toJson } from '../mapping/json';
import { CASCADE_BATCH_SIZE, startCascade } from './cascades';
import type { Work } from './work';

/**
 * What product-quality and merchant-access decide, kept here as facts (content never reads their
 * databases), and the cascades they start over the content that sells the product or the
 * merchant's goods. `at` is the fact's time as the consumer read it (never ahead of our clock).
 */

/** An approved listing makes its product known: links to it are accepted from now on (sent, not awaited: nothing reads its answer). */
export const productApproved = (work: Work, fact: { productId: string; merchantId: string; at: Date }): void => rememberApprovedProduct(work.sql, fact);

/**
 * A ban refuses new links to the product and limits or unlinks every item already selling it.
 * Plain SQL, its two writes sent ahead of the cascade's first read (one round trip for the three):
 * a merchant's removal bans all its products at once, and content handles that burst (issue 13).
 */
export const productBanned = async (
  work: Work,
  fact: BanRecord,
  batch: {
    /** The first page of items linked to the product, when the consumer read it for its whole batch. */
    linkedItems?: readonly string[] | undefined;
    /** The ban's rows were written for the consumer's whole batch (`recordBans`): only the cascade is left. */
    recorded?: boolean;
  } = {},
): Promise<void> => {
  if (!batch.recorded) {
    rememberBannedProduct(work.sql, { productId: fact.productId, merchantId: fact.merchantId, at: fact.at });
    recordBan(work.sql, fact);
  }
  await startCascade(work, { type: 'PRODUCT_BANNED', productId: fact.productId, cause: fact.cause }, CASCADE_BATCH_SIZE, batch.linkedItems);
};

/** An unban lets the product be linked again and restores what the ban took from items. */
export const productUnbanned = async (work: Work, productId: string): Promise<void> => {
  await work.tx.bannedProduct.deleteMany({ where: { productId } });
  await startCascade(work, { type: 'PRODUCT_UNBANNED', productId });
};

/** A removal refuses new links to the merchant's goods and unlinks every item selling them. */
export const merchantRemoved = async (work: Work, fact: { merchantId: string; sanctionId: string; reasons: Reason[]; at: Date }): Promise<void> => {
  const removal = { sanctionId: fact.sanctionId, reasons: toJson(fact.reasons), removedAt: fact.at };
  await work.tx.removedMerchant.upsert({ where: { merchantId: fact.merchantId }, create: { merchantId: fact.merchantId, ...removal }, update: removal });
  await startCascade(work, { type: 'MERCHANT_REMOVED', merchantId: fact.merchantId });
};

/** A removed merchant reinstated: its goods may be linked again and the items it touched are restored. */
export const merchantReinstated = async (work: Work, merchantId: string): Promise<void> => {
  const lifted = await work.tx.removedMerchant.deleteMany({ where: { merchantId } });
  // Reinstatement also ends suspensions content never acted on; only a lifted removal matters here.
  if (lifted.count === 0) return;
  await startCascade(work, { type: 'MERCHANT_REINSTATED', merchantId });
};

/**
 * Affiliate eligibility: lost, content selling the merchant's goods loses its boost at once;
 * regained, content earns its boost back at its next assessment (nothing is raised without one).
 */
export const affiliateEligibilityChanged = async (work: Work, fact: { merchantId: string; eligible: boolean; reasons: Reason[]; at: Date }): Promise<void> => {
  if (fact.eligible) {
    await work.tx.affiliateIneligibleMerchant.deleteMany({ where: { merchantId: fact.merchantId } });
    return;
  }
  const ineligible = { reasons: toJson(fact.reasons), since: fact.at };
  await work.tx.affiliateIneligibleMerchant.upsert({ where: { merchantId: fact.merchantId }, create: { merchantId: fact.merchantId, ...ineligible }, update: ineligible });
  await startCascade(work, { type: 'AFFILIATE_INELIGIBLE', merchantId: fact.merchantId });
};
