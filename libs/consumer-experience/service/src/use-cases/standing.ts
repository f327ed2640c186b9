import { topUpFor, type MerchantStanding } from '@govern/consumer-experience-domain';
import { upsertMerchantStatus, upsertStatusAndDepositMinimum, upsertStoreScore } from '../adapters/standing.repository';
import type { Work } from './work';

/**
 * What this service knows of merchants, from merchant-access events: their status and store
 * experience score (fast refund weighs both), and the deposit minimum they must keep. Events may
 * arrive out of order across redeliveries: a fact older than the one already applied is ignored.
 * Each fact is one statement sent in the unit's transaction, not awaited: nothing in the unit reads
 * it back, so a consumer's batch of them leaves with its COMMIT.
 */

export type StandingStatus = MerchantStanding['status'];

export const applyMerchantStatus = (work: Work, merchantId: string, status: StandingStatus, occurredAt: Date): void =>
  upsertMerchantStatus(work.sql, merchantId, status, occurredAt, work.now);

export const applyStoreScore = (work: Work, merchantId: string, storeScore: number | null, occurredAt: Date): void =>
  upsertStoreScore(work.sql, merchantId, storeScore, occurredAt, work.now);

/**
 * An onboarded merchant: active (unless a later fact was applied), and the deposit minimum
 * merchant-access set, if any, with the top-up request that follows from it. No event: nothing was
 * paid (a top-up is announced when a payment leaves the deposit short).
 */
export const applyOnboarding = (work: Work, merchantId: string, occurredAt: Date, minimumFen: bigint): void =>
  upsertStatusAndDepositMinimum(
    work.sql,
    merchantId,
    'ACTIVE',
    occurredAt,
    minimumFen > 0n ? { minimumFen, newDepositTopUp: topUpFor({ balanceFen: 0n, minimumFen, owedFen: 0n }) } : undefined,
    work.now,
  );
