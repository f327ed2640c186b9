/** Settling: waiting until events between services have landed and due jobs have run. */
import { readErrorDetails } from '@govern/platform-grpc';
import { DAY, SimulationAborted, type RunContext } from './run-context';
import type { PlatformActivity, ReadPlatformActivity } from './platform-activity';

/** Every service's report figures for the last 60 days, as one comparable string. */
export const figures = async (ctx: RunContext): Promise<string> => {
  const request = { window: { startTime: new Date(Date.now() - 60 * DAY), endTime: new Date() } };
  const clients = ctx.clients;
  // One after the other: the settle loop keeps within the in-flight bound too (whatever it is).
  const all = [
    await clients.content.getGovernanceStats(request),
    await clients.productQuality.getGovernanceStats(request),
    await clients.merchantAccess.getGovernanceStats(request),
    await clients.consumerExperience.getGovernanceStats(request),
  ];
  return JSON.stringify(all, (key, value: unknown) => (typeof value === 'bigint' ? value.toString() : key === 'window' ? undefined : value));
};

/** How often a drain check scrapes the services' metrics. */
const DRAIN_POLL_MS = 100;

/** A settle phase: see waitUntilQuiet. */
export const settle = async (ctx: RunContext, phase: string): Promise<{ settled: boolean; waitedMs: number }> => {
  const end = ctx.startPhase(phase);
  try {
    return await waitUntilQuiet(ctx);
  } finally {
    end();
  }
};

/**
 * Waits until the on-time dispatch deadlines have passed (so the 48 h rate counts them) and the
 * platform has settled: events between services have landed and due jobs have run. With the
 * services' metrics (`platformActivity`), that is as soon as two scrapes in a row find nothing in
 * flight and no work finished between them; without, when no service's figures changed for
 * `quietMs` (the services' job runners tick every second, so that window must span a few ticks).
 */
export const waitUntilQuiet = async (ctx: RunContext): Promise<{ settled: boolean; waitedMs: number }> => {
  const started = Date.now();
  const deadline = started + ctx.options.settleTimeoutMs;
  if (ctx.lastDueAt > Date.now()) await ctx.sleep(Math.min(ctx.lastDueAt - Date.now() + 1_100, Math.max(0, deadline - Date.now())));
  const settled = ctx.platformActivity ? await waitUntilDrained(ctx, ctx.platformActivity, deadline) : await waitForQuietFigures(ctx, deadline);
  return { settled, waitedMs: Date.now() - started };
};

/**
 * Until two scrapes in a row find nothing in flight and the same counters (platform-activity.ts
 * says why that is enough); by the figures instead if the metrics stop answering.
 */
export const waitUntilDrained = async (ctx: RunContext, read: ReadPlatformActivity, deadline: number): Promise<boolean> => {
  /** The counters of the last scrape that found nothing in flight. */
  let idleProgress: string | undefined;
  for (;;) {
    let activity: PlatformActivity;
    try {
      activity = await read();
    } catch (error) {
      // A service's metrics went away mid-run: settle by the figures from here on.
      ctx.progress.note(`the services' metrics could not be read (${(error as Error).message}); settling by the figures instead`);
      ctx.platformActivity = undefined;
      return waitForQuietFigures(ctx, deadline);
    }
    if (activity.busy === undefined && activity.progress === idleProgress) return true;
    idleProgress = activity.busy === undefined ? activity.progress : undefined;
    if (Date.now() >= deadline) return false;
    await ctx.sleep(DRAIN_POLL_MS);
  }
};

const waitForQuietFigures = async (ctx: RunContext, deadline: number): Promise<boolean> => {
  const quietMs = ctx.options.quietMs ?? 2_000;
  let last: string;
  try {
    last = await figures(ctx);
  } catch (error) {
    const details = readErrorDetails(error);
    throw new SimulationAborted(`GetGovernanceStats failed${details ? ` with ${details.codeName}: ${details.message}` : `: ${String(error)}`}`);
  }
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await ctx.sleep(250);
    const now = await figures(ctx);
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) return true;
  }
  return false;
};
