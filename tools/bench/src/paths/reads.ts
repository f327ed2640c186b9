import { ensureFixtures, failedRow, measure, type BenchContext } from '../context';
import { closedLoop } from '../load';

/** Ids per BatchGetMerchantStandings call (a caller resolving a page of search results). */
const BATCH_IDS = 100;

/**
 * The decision reads other services call on their hot paths: one merchant's standing (alone, and
 * 64 callers at once), and a batch of standings, over the merchants onboarded by this run.
 */
export const readsPath = async (ctx: BenchContext): Promise<void> => {
  await ensureFixtures(ctx, { merchants: ctx.scale.merchants });
  // Onboarding the fixtures leaves events to relay and handle (merchant-access's own relay and
  // consumers among them): let them finish, as the write rows do, so the reads' CPU per call is the
  // reads' alone.
  await ctx.platform.quiesce();
  const ma = ctx.platform.clients.merchantAccess;
  const merchants = ctx.fixtures.merchants;
  const { scale } = ctx;
  const standing = (i: number) => ma.getMerchantStanding({ merchantId: merchants[(i * 7919) % merchants.length] as string });
  for (const inFlight of [1, 64] as const) {
    const id = `reads.standing.${inFlight}`;
    const label = `GetMerchantStanding, ${inFlight} in flight`;
    try {
      await measure(ctx, { id, label, services: ['merchant-access'] }, (markStart) => closedLoop({ inFlight, calls: scale.rowCalls, maxMs: scale.rowMs, warmup: scale.warmup, call: standing, onMeasureStart: markStart }));
    } catch (error) {
      failedRow(ctx, id, label, error);
    }
  }
  // Distinct ids per call (fewer when the run has fewer merchants).
  const batch = Math.min(BATCH_IDS, merchants.length);
  const label = `BatchGetMerchantStandings (${batch} ids), 8 in flight`;
  try {
    await measure(ctx, { id: 'reads.batch.8', label, services: ['merchant-access'], notes: [`${batch} standings per call`] }, (markStart) =>
      closedLoop({
        inFlight: 8,
        calls: scale.rowCalls,
        maxMs: scale.rowMs,
        warmup: scale.warmup,
        onMeasureStart: markStart,
        call: (i) => ma.batchGetMerchantStandings({ merchantIds: Array.from({ length: batch }, (_, k) => merchants[(i * batch + k) % merchants.length] as string) }),
      }),
    );
  } catch (error) {
    failedRow(ctx, 'reads.batch.8', label, error);
  }
};
