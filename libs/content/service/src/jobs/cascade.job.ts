import type { ContentTx } from '@govern/content-data-access';
import type { DueJob } from '@govern/platform-db';
import type { ContentDeps } from '../deps';
import { EventBatch } from '../events/event-batch';
import { runCascadeBatch, scheduleCascadeContinuation, type CascadeJobPayload } from '../use-cases/cascades';

/** The next batch of a cascade; schedules the one after it in the same transaction. */
export const cascadeJob =
  (deps: ContentDeps) =>
  async (job: DueJob, tx: ContentTx): Promise<void> => {
    const payload = job.payload as unknown as CascadeJobPayload;
    const events = new EventBatch(deps, { causationId: payload.causationId });
    const { next } = await runCascadeBatch(tx, deps, events, payload.trigger, payload.after);
    if (next !== undefined) await scheduleCascadeContinuation(tx, deps, { ...payload, after: next });
    await events.write(tx);
  };
