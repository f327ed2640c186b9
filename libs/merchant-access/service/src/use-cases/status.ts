import type { MerchantAccessTx } from '@govern/merchant-access-data-access';
import type { MerchantStatus } from '@govern/merchant-access-domain';

/**
 * Writes a merchant's new status: the column that lists and filters read, and a status row in
 * the ring graph log so every replica's graph learns it (a removal makes linked applicants
 * critical). Returns whether anything changed.
 */
export const recordStatusChange = async (tx: MerchantAccessTx, merchantId: string, before: MerchantStatus, after: MerchantStatus): Promise<boolean> => {
  if (before === after) return false;
  await tx.merchant.update({ where: { id: merchantId }, data: { status: after } });
  await tx.ringGraphEntry.create({ data: { merchantId, status: after } });
  return true;
};
