import type { MerchantStanding } from '@govern/consumer-experience-domain';
import { upsertMerchantStatus, upsertStoreScore } from '../adapters/standing.repository';
import { Payouts } from './payouts';
import type { Work } from './work';

/**
 * What this service knows of merchants, from merchant-access events: their status and store
 * experience score (fast refund weighs both), and the deposit minimum they must keep. Events may
 * arrive out of order across redeliveries: a fact older than the one already applied is ignored.
 */

export type StandingStatus = MerchantStanding['status'];

export const applyMerchantStatus = (work: Work, merchantId: string, status: StandingStatus, occurredAt: Date): Promise<boolean> =>
  upsertMerchantStatus(work.sql, merchantId, status, occurredAt, work.now);

export const applyStoreScore = (work: Work, merchantId: string, storeScore: number | null, occurredAt: Date): Promise<boolean> =>
  upsertStoreScore(work.sql, merchantId, storeScore, occurredAt, work.now);

export const applyDepositMinimum = async (work: Work, merchantId: string, minimumFen: bigint): Promise<void> => {
  const desk = await Payouts.open(work, []);
  await desk.setDepositMinimum(merchantId, minimumFen);
  await desk.write();
};
