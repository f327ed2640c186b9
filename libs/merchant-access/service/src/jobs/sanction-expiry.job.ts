import { MerchantReinstatedEvent } from '@govern/contracts-merchant-access';
import { sanctionsEndedBetween, standingAt, VIOLATION_POLICY, type MerchantStatus } from '@govern/merchant-access-domain';
import { loadMerchantHistory, lockMerchant, sanctionRecordOf } from '../adapters/records';
import type { Work } from '../deps';
import { merchantStatusCodec, reinstatementCauseCodec } from '../mapping/enums';
import { recordStatusChange } from '../use-cases/status';

/**
 * A sanction's time is up (durable timer scheduled with it; key: the sanction id). The standing
 * already ignores an ended sanction; this brings the status column and the ring graph in line and,
 * when the merchant's status improves (not when a heavier sanction still runs), publishes
 * MerchantReinstated(EXPIRED).
 */
export const endSanction = async (work: Work, sanctionId: string): Promise<void> => {
  const { tx } = work;
  const sanctionRow = await tx.sanction.findUnique({ where: { id: sanctionId } });
  if (!sanctionRow?.endsAt || sanctionRow.liftedAt) return; // lifted by an appeal: MerchantReinstated went out then
  const merchantId = sanctionRow.merchantId;
  await lockMerchant(work.sql, merchantId);
  const merchant = await tx.merchant.findUniqueOrThrow({ where: { id: merchantId } });
  const endedAt = sanctionRow.endsAt;
  const justBefore = new Date(endedAt.getTime() - 1);
  const history = await loadMerchantHistory(tx, merchantId, justBefore, VIOLATION_POLICY.windowMs);
  const sanctions = history.sanctions.some((s) => s.id === sanctionRow.id) ? history.sanctions : [...history.sanctions, sanctionRecordOf(sanctionRow)];
  const ending = sanctionsEndedBetween(history.violations, sanctions, justBefore, endedAt).find((e) => e.sanction.id === sanctionRow.id);

  const standingNow = standingAt(history.violations, sanctions, work.now);
  await recordStatusChange(tx, merchantId, merchant.status as MerchantStatus, standingNow.status);
  if (!ending?.reinstated) return;
  work.emit(MerchantReinstatedEvent, {
    merchantId,
    cause: reinstatementCauseCodec.toProto('EXPIRED'),
    sanctionId: sanctionRow.id,
    status: merchantStatusCodec.toProto(standingNow.status),
    activePoints: standingNow.activePoints,
    appealId: '',
  });
};
