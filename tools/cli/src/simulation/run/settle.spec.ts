import type { PlatformClients } from '@govern/platform-clients';
import { describe, expect, it } from 'vitest';
import { silentProgress } from '../progress';
import { generateScenario } from '../scenario';
import { Tally } from '../summary';
import type { PlatformActivity } from './platform-activity';
import { RunContext } from './run-context';
import { awaitOnboarding } from './merchants';
import { waitUntilQuiet } from './settle';

/** Clients whose governance stats answer `figures` (a value per call, the last one repeated); counts the calls. */
const statsClients = (figures: number[]) => {
  let calls = 0;
  const stats = async () => ({ value: figures[Math.min(Math.floor(calls++ / 4), figures.length - 1)] });
  const service = { getGovernanceStats: stats };
  const clients = { content: service, productQuality: service, merchantAccess: service, consumerExperience: service } as unknown as PlatformClients;
  return { clients, statsCalls: () => calls };
};

/** A metrics reader that answers the given scrapes in turn (the last one repeated); counts them. */
const scrapes = (answers: (PlatformActivity | Error)[]) => {
  let read = 0;
  return {
    read: async (): Promise<PlatformActivity> => {
      const answer = answers[Math.min(read++, answers.length - 1)] as PlatformActivity | Error;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    count: () => read,
  };
};

const context = (clients: PlatformClients, platformActivity?: () => Promise<PlatformActivity>) => {
  let slept = 0;
  const ctx = new RunContext(generateScenario({ seed: 3, orders: 10 }), {
    clients,
    concurrency: 4,
    progress: silentProgress,
    tally: new Tally(),
    settleTimeoutMs: 60_000,
    quietMs: 5,
    platformActivity,
    sleep: async (ms) => {
      slept += ms;
    },
  });
  return { ctx, slept: () => slept };
};

const idle = (progress: string): PlatformActivity => ({ busy: undefined, progress });
const busy = (progress: string): PlatformActivity => ({ busy: 'consumer-experience: govern_outbox_backlog{} 2', progress });

describe('settling on the services metrics', () => {
  it('ends at the second scrape in a row with nothing in flight and nothing finished between, without the quiet window', async () => {
    const stats = statsClients([1]);
    const metrics = scrapes([busy('a'), busy('b'), idle('c'), idle('c')]);
    const { ctx, slept } = context(stats.clients, metrics.read);
    const settled = await waitUntilQuiet(ctx);
    expect(settled.settled).toBe(true);
    expect(metrics.count()).toBe(4);
    // Three short polls between four scrapes.
    expect(slept()).toBeLessThan(1_000);
    expect(stats.statsCalls()).toBe(0);
  });

  it('does not end while work keeps finishing, even with nothing in flight at each scrape', async () => {
    const metrics = scrapes([idle('a'), idle('b'), busy('b'), idle('b'), idle('c'), idle('c')]);
    const { ctx } = context(statsClients([1]).clients, metrics.read);
    expect((await waitUntilQuiet(ctx)).settled).toBe(true);
    expect(metrics.count()).toBe(6);
  });

  it('settles by unchanged figures when the metrics stop answering', async () => {
    const stats = statsClients([1, 2, 2]);
    const metrics = scrapes([busy('a'), new Error('fetch failed')]);
    const { ctx } = context(stats.clients, metrics.read);
    expect((await waitUntilQuiet(ctx)).settled).toBe(true);
    expect(ctx.platformActivity).toBeUndefined();
    // Figures read until they repeated: 1, 2, 2.
    expect(stats.statsCalls()).toBeGreaterThanOrEqual(12);
  });

  it("waits for onboarding to spread by the same drain, without asking for each merchant's deposit", async () => {
    let depositReads = 0;
    const service = {
      getMerchantDeposit: async () => {
        depositReads++;
        return {};
      },
    };
    const clients = { content: service, productQuality: service, merchantAccess: service, consumerExperience: service } as unknown as PlatformClients;
    const metrics = scrapes([busy('a'), idle('b'), idle('b')]);
    const { ctx, slept } = context(clients, metrics.read);
    ctx.merchantIds.set('m1', 'merchant-1');
    ctx.merchantIds.set('m2', 'merchant-2');
    await awaitOnboarding(ctx);
    expect(metrics.count()).toBe(3);
    expect(depositReads).toBe(0);
    // Without the metrics, a grace of at least 500 ms follows the reads for product-quality.
    expect(slept()).toBeLessThan(500);
  });
});
