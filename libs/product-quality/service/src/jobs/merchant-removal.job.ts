import type { ProductQualityTx } from '@govern/product-quality-data-access';
import type { DueJob } from '@govern/platform-db';
import type { UseCaseDeps } from '../use-cases/deps';
import { type CascadeLimits, continueMerchantRemoval, type RemovalJobPayload } from '../use-cases/merchant-standing';

/** Bans the next share of a removed merchant's products, in the job's own transaction. */
export const merchantRemovalJob =
  (deps: UseCaseDeps, limits: CascadeLimits) =>
  async (job: DueJob, tx: ProductQualityTx): Promise<void> => {
    await continueMerchantRemoval(tx, deps, job.payload as unknown as RemovalJobPayload, limits);
  };
