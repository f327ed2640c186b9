import type { MerchantStanding } from '@govern/consumer-experience-domain';
import { Payouts } from './payouts';
import type { Work } from './work';

/**
 * What this service knows of merchants, from merchant-access events: their status and store
 * experience score (fast refund weighs both), and the deposit minimum they must keep. Events may
 * arrive out of order across redeliveries: a fact older than the one already applied is ignored.
 */

export type StandingStatus = MerchantStanding['status'];

export const applyMerchantStatus = async (work: Work, merchantId: string, status: StandingStatus, occurredAt: Date): Promise<boolean> => {
  const changed = await work.tx.$executeRawUnsafe(
    `INSERT INTO merchant_standings (merchant_id, status, store_score, status_changed_at, score_changed_at, updated_at)
     VALUES ($1, $2, NULL, $3, NULL, $4)
     ON CONFLICT (merchant_id) DO UPDATE SET status = EXCLUDED.status, status_changed_at = EXCLUDED.status_changed_at, updated_at = EXCLUDED.updated_at
      WHERE merchant_standings.status_changed_at <= EXCLUDED.status_changed_at`,
    merchantId,
    status,
    occurredAt,
    work.now,
  );
  return changed > 0;
};

export const applyStoreScore = async (work: Work, merchantId: string, storeScore: number | null, occurredAt: Date): Promise<boolean> => {
  const changed = await work.tx.$executeRawUnsafe(
    `INSERT INTO merchant_standings (merchant_id, status, store_score, status_changed_at, score_changed_at, updated_at)
     VALUES ($1, 'ACTIVE', $2, to_timestamp(0), $3, $4)
     ON CONFLICT (merchant_id) DO UPDATE SET store_score = EXCLUDED.store_score, score_changed_at = EXCLUDED.score_changed_at, updated_at = EXCLUDED.updated_at
      WHERE merchant_standings.score_changed_at IS NULL OR merchant_standings.score_changed_at <= EXCLUDED.score_changed_at`,
    merchantId,
    storeScore,
    occurredAt,
    work.now,
  );
  return changed > 0;
};

export const applyDepositMinimum = async (work: Work, merchantId: string, minimumFen: bigint): Promise<void> => {
  const desk = await Payouts.open(work, []);
  await desk.setDepositMinimum(merchantId, minimumFen);
};
