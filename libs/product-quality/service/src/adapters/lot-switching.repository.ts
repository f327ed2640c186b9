import type { LotSwitchingStateRow, ProductQualityTx } from '@govern/product-quality-data-access';
import { initialSwitchingState, type SwitchingState } from '@govern/product-quality-domain';

/** The ISO 2859-1 switching state per merchant x SKU: read, locked for a transition, saved. */

const stateFromRow = (row: LotSwitchingStateRow | null): SwitchingState =>
  row
    ? {
        stage: row.stage as SwitchingState['stage'],
        normalRecent: Array.isArray(row.normalRecent) ? (row.normalRecent as boolean[]) : [],
        switchingScore: row.switchingScore,
        tightenedConsecutiveAccepted: row.tightenedConsecutiveAccepted,
        tightenedRejected: row.tightenedRejected,
      }
    : initialSwitchingState();

export interface StoredSwitchingState {
  state: SwitchingState;
  updatedAt: Date | undefined;
}

export const readSwitchingState = async (tx: ProductQualityTx, merchantId: string, skuId: string): Promise<StoredSwitchingState> => {
  const row = await tx.lotSwitchingState.findUnique({ where: { merchantId_skuId: { merchantId, skuId } } });
  return { state: stateFromRow(row), updatedAt: row?.updatedAt };
};

/** Locks the merchant x SKU's state for a transition (created at normal on first use). */
export const lockSwitchingState = async (tx: ProductQualityTx, merchantId: string, skuId: string, now: Date): Promise<SwitchingState> => {
  const initial = initialSwitchingState();
  await tx.$executeRawUnsafe(
    `INSERT INTO lot_switching_states (merchant_id, sku_id, stage, normal_recent, switching_score, tightened_consecutive_accepted, tightened_rejected, updated_at)
     VALUES ($1, $2, $3, '[]', 0, 0, 0, $4) ON CONFLICT DO NOTHING`,
    merchantId,
    skuId,
    initial.stage,
    now,
  );
  await tx.$queryRawUnsafe(`SELECT 1 FROM lot_switching_states WHERE merchant_id = $1 AND sku_id = $2 FOR UPDATE`, merchantId, skuId);
  return stateFromRow(await tx.lotSwitchingState.findUnique({ where: { merchantId_skuId: { merchantId, skuId } } }));
};

export const saveSwitchingState = async (tx: ProductQualityTx, merchantId: string, skuId: string, state: SwitchingState, now: Date): Promise<void> => {
  await tx.lotSwitchingState.update({
    where: { merchantId_skuId: { merchantId, skuId } },
    data: {
      stage: state.stage,
      normalRecent: [...state.normalRecent],
      switchingScore: state.switchingScore,
      tightenedConsecutiveAccepted: state.tightenedConsecutiveAccepted,
      tightenedRejected: state.tightenedRejected,
      updatedAt: now,
    },
  });
};

