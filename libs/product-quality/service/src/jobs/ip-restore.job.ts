import type { ProductQualityTx } from '@govern/product-quality-data-access';
import type { DueJob } from '@govern/platform-db';
import type { UseCaseDeps } from '../use-cases/deps';
import { restoreIfOwnerDidNotEscalate } from '../use-cases/brands-and-ip';

/** At the restore deadline of a counter-noticed IP complaint: restore unless escalated or decided. */
export const ipRestoreJob =
  (deps: UseCaseDeps) =>
  async (job: DueJob, tx: ProductQualityTx): Promise<void> => {
    await restoreIfOwnerDidNotEscalate(tx, deps, String(job.payload['complaint_id'] ?? job.key), job.key);
  };
