/** Settling: waiting until the platform's figures stop changing (events between services have landed). */
import { readErrorDetails } from '@govern/platform-grpc';
import { DAY, SimulationAborted, type RunContext } from './run-context';

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

/**
 * Waits until the on-time dispatch deadlines have passed (so the 48 h rate counts them) and no
 * service's figures changed for `quietMs`: events between services have landed.
 */
export const settle = async (ctx: RunContext, phase: string): Promise<{ settled: boolean; waitedMs: number }> => {
  const end = ctx.startPhase(phase);
  try {
    return await waitUntilQuiet(ctx);
  } finally {
    end();
  }
};

export const waitUntilQuiet = async (ctx: RunContext): Promise<{ settled: boolean; waitedMs: number }> => {
  const started = Date.now();
  const quietMs = ctx.options.quietMs ?? 2_000;
  const deadline = started + ctx.options.settleTimeoutMs;
  if (ctx.lastDueAt > Date.now()) await ctx.sleep(Math.min(ctx.lastDueAt - Date.now() + 1_100, Math.max(0, deadline - Date.now())));
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
    } else if (Date.now() - quietSince >= quietMs) return { settled: true, waitedMs: Date.now() - started };
  }
  return { settled: false, waitedMs: Date.now() - started };
};
