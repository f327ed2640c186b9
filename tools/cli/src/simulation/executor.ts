/**
 * Plays a scenario against the platform through the four public gRPC APIs, and nothing else.
 *
 * Work is split into phases run one after the other (applications before listings, listings
 * before videos, everything before the removals that re-entering rings depend on...). Inside a
 * phase, work is a set of lanes: the steps of one lane (one merchant's listings, one order's
 * life) run in order, lanes run side by side with at most `concurrency` calls in flight. The
 * scenario keeps lanes independent of each other, so the outcome does not depend on timing.
 */
import type { Scenario } from './scenario';
import { apply, awaitOnboarding, list, recordViolations, sweep } from './run/merchants';
import { assessVideo, livestream, reassess } from './run/content';
import { inspect, recordLab } from './run/inspections';
import { complain, order } from './run/buyers';
import { contact } from './run/care';
import { settle } from './run/settle';
import { groupBy, RunContext, type ExecutorOptions } from './run/run-context';
import type { OrderPlan, VideoPlan } from './scenario';

export { SimulationAborted, type ExecutorOptions } from './run/run-context';

/** Expected number of calls of a scenario, for the progress bar (some are skipped at run time). */
export const estimateCalls = (scenario: Scenario): number => {
  const orderCalls = scenario.orders.reduce((sum, o) => {
    let n = 1 + (o.shipment ? 1 + o.shipment.scans.length : 0) + (o.review ? 1 : 0);
    if (o.afterSale) n += o.afterSale.type === 'REFUND_ONLY' ? 1 : 4;
    return sum + n;
  }, 0);
  return (
    1 +
    scenario.merchants.length +
    scenario.merchants.filter((m) => m.profile === 'review').length * 2 +
    scenario.merchants.filter((m) => m.profile === 'clean' || m.profile === 'restricted').length * 2 +
    scenario.products.length +
    scenario.videos.length +
    scenario.livestreams.reduce((sum, l) => sum + 2 + l.signals.length, 0) +
    3 +
    Math.round(scenario.products.length * 0.12) +
    orderCalls +
    scenario.complaints.length +
    scenario.contacts.reduce((sum, c) => sum + 1 + (c.reply ? 1 : 0) + (c.rating ? 1 : 0), 0) +
    scenario.violations.length +
    scenario.reentries.length +
    scenario.products.filter((p) => p.lateCritical).length +
    1 +
    scenario.videos.length
  );
};

export class Executor {
  private readonly ctx: RunContext;

  constructor(scenario: Scenario, options: ExecutorOptions) {
    this.ctx = new RunContext(scenario, options);
  }

  /** Calls made so far. */
  get calls(): number {
    return this.ctx.calls;
  }

  /** Wall time and calls of each phase, in run order. */
  get phases(): { name: string; ms: number; calls: number }[] {
    return this.ctx.phases;
  }

  /** The phase running (or that stopped the run). */
  get phase(): string {
    return this.ctx.phase;
  }

  /** Plays the whole scenario; resolves with how the platform settled, rejects with SimulationAborted. */
  async run(): Promise<{ settled: boolean; waitedMs: number }> {
    const ctx = this.ctx;
    const s = ctx.scenario;
    const fund = ctx.startPhase('fund');
    await ctx.call('ContributeToFund', () =>
      ctx.clients.consumerExperience.contributeToFund({ requestId: ctx.rid('ContributeToFund', 'fund'), amountFen: s.fundContributionFen, paymentRef: `${s.prefix}-fund-allocation` }),
    );
    fund();
    await ctx.lanes('applications', s.merchants, (m) => apply(ctx, m));
    await awaitOnboarding(ctx);
    const productsOf = groupBy(s.products, (p) => p.merchantKey);
    const sellers = s.merchants.filter((m) => productsOf.has(m.key));
    await ctx.lanes('listings', sellers, (m) => list(ctx, m, productsOf.get(m.key) ?? []));
    // Originals before re-posts, so the first publisher of a media fingerprint is the original's.
    const inOrder = async (videos: VideoPlan[]): Promise<void> => {
      for (const video of videos) await assessVideo(ctx, video);
    };
    await ctx.lanes('videos', [...groupBy(s.videos.filter((v) => v.flaw !== 'repost'), (v) => v.creatorKey).values()], inOrder);
    await ctx.lanes('reposts', [...groupBy(s.videos.filter((v) => v.flaw === 'repost'), (v) => v.creatorKey).values()], inOrder);
    await ctx.lanes('livestreams', s.livestreams, (l) => livestream(ctx, l));
    await inspect(ctx);
    // Orders whose dispatch deadline passes during the run go first: by the end it has passed.
    const dueSoon = (o: OrderPlan): boolean => o.kind === 'delivered' || o.kind === 'in-transit' || o.kind === 'fake-shipment';
    await ctx.lanes('orders', [...s.orders.filter(dueSoon), ...s.orders.filter((o) => !dueSoon(o))], (o) => order(ctx, o));
    await ctx.lanes('complaints', s.complaints, (c) => complain(ctx, c));
    await ctx.lanes('buyer contacts', s.contacts, (c) => contact(ctx, c));
    // The services' timers (late dispatch, missing first scans) and events must have caught up
    // before removals refund undispatched orders and lab failures pay buyers back.
    const afterOrders = await settle(ctx, 'settle: orders');
    await ctx.lanes('violations', [...groupBy(s.violations, (v) => v.merchantKey).entries()], ([merchantKey, violations]) => recordViolations(ctx, merchantKey, violations));
    await ctx.lanes('ring re-entry', s.reentries, (m) => apply(ctx, m));
    await ctx.lanes('lab (ad hoc)', s.products.filter((p) => p.lateCritical), (p) => recordLab(ctx, p, 'critical', undefined));
    // Sanctions caused by events (three-no listings, lab failures) must have landed before the sweep.
    const afterGovernance = await settle(ctx, 'settle: sanctions');
    await sweep(ctx);
    // consumer-experience reports attribution figures at the end of each 15-minute period, and
    // content re-assesses every item they concern: re-assessing once the sales and the sweep are
    // in, as that scheduler would, makes the figures the same whenever the period ends.
    const afterSweep = await settle(ctx, 'settle: sweep');
    const posted = s.videos.filter((v) => ctx.posted.has(v.key));
    await ctx.lanes('re-assessment', [...groupBy(posted, (v) => v.creatorKey).values()], async (videos) => {
      for (const video of videos) await reassess(ctx, video);
    });
    const final = await settle(ctx, 'settle: final');
    const settles = [afterOrders, afterGovernance, afterSweep, final];
    return { settled: settles.every((x) => x.settled), waitedMs: settles.reduce((sum, x) => sum + x.waitedMs, 0) };
  }
}
