/** An upstream change that content follows across every item it concerns. */
export type CascadeTrigger =
  | { type: 'PRODUCT_BANNED'; productId: string; cause: string }
  | { type: 'MERCHANT_REMOVED'; merchantId: string }
  | { type: 'PRODUCT_UNBANNED'; productId: string }
  | { type: 'MERCHANT_REINSTATED'; merchantId: string }
  | { type: 'AFFILIATE_INELIGIBLE'; merchantId: string };

/** Refusal codes of links that are down because of a product ban / a merchant removal. */
export const PRODUCT_BAN_CODES = ['CONTENT.LINK.BANNED_PRODUCT', 'CONTENT.CASCADE.PRODUCT_BANNED'];
export const MERCHANT_REMOVAL_CODES = ['CONTENT.LINK.REMOVED_MERCHANT', 'CONTENT.CASCADE.MERCHANT_REMOVED'];

/** What a penalty following an upstream fact names as its cause (`penalties.cause_ref`). */
export const causeRefOf = (trigger: CascadeTrigger): string =>
  trigger.type === 'PRODUCT_BANNED' || trigger.type === 'PRODUCT_UNBANNED' ? `product:${trigger.productId}` : `merchant:${trigger.merchantId}`;

export const groupBy = <T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
};
