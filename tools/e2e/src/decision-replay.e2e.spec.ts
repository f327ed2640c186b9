import { devTokenProviderByPolicy, PolicyTable } from '@govern/platform-auth';
import { GOVERNANCE_OPS_POLICY } from '@govern/platform-decisions';
import { GovernanceOpsServiceDefinition, SERVICE_NAMES, serviceKey, type ServiceName } from '@govern/contracts-common';
import { closeServiceClient, createServiceClient, readErrorDetails, type ServiceClient } from '@govern/platform-grpc';
import { waitingOutRateLimit } from '@govern/platform-service-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressArgs, runGovern } from './govern-cli';
import { startPlatformProcesses, type PlatformUnderTest } from './platform-processes';

/**
 * Issue 16, "done when": every decision a `govern simulate` run made replays identical, and a
 * backtest of the run agrees with the candidate that ran in shadow during it. The
 * platform runs as four processes (real gRPC, PostgreSQL, NATS JetStream), `govern simulate`
 * as a child process as a user runs it; then each service's GovernanceOpsService recomputes
 * every decision it recorded in the run's window with the recorded policy version.
 *
 * Services that record decisions answer ListDecisionKinds; the ones whose kinds are still to
 * come answer UNIMPLEMENTED and are left out (consumer-experience and content must answer).
 */
const ORDERS = 300;
const SEED = 16;
const MUST_RECORD: Partial<Record<ServiceName, readonly string[]>> = {
  'consumer-experience': ['fast-refund'],
  content: ['content-assessment'],
};

type OpsClient = ServiceClient<typeof GovernanceOpsServiceDefinition>;

/** consumer-experience's stricter fast-refund version (a lower cap), loadable beside the active one. */
const SHADOW_CANDIDATE = '2026-12-01.1';

describe('decision replay over a simulated run (four processes)', () => {
  let platform: PlatformUnderTest;
  const ops = new Map<ServiceName, OpsClient>();
  let runWindow: { startTime: Date; endTime: Date } | undefined;

  beforeAll(async () => {
    platform = await startPlatformProcesses();
    // As an operator or auditor, the callers the ops service's table names for each RPC.
    const opsToken = devTokenProviderByPolicy(platform.pki.signingKeyFile, new PolicyTable([GOVERNANCE_OPS_POLICY]), { personPrefix: 'e2e' });
    for (const name of SERVICE_NAMES) ops.set(name, createServiceClient(GovernanceOpsServiceDefinition, platform.addresses[serviceKey(name)], { defaultDeadlineMs: 120_000, transport: platform.transport, token: opsToken }));
  }, 180_000);
  afterAll(async () => {
    for (const client of ops.values()) closeServiceClient(client);
    await platform?.stop();
  }, 120_000);

  /** The service's decision kinds, or undefined when it serves no GovernanceOpsService yet. */
  const kindsOf = async (client: OpsClient): Promise<string[] | undefined> => {
    try {
      return (await client.listDecisionKinds({})).kinds.map((k) => k.kind);
    } catch (error) {
      if (readErrorDetails(error)?.codeName === 'UNIMPLEMENTED') return undefined;
      throw error;
    }
  };

  it(
    `govern simulate --orders ${ORDERS}: every decision of the run replays identical on every service`,
    async () => {
      const startTime = new Date(Date.now() - 60_000);
      // A stricter fast-refund candidate in shadow through the run: evaluated live beside every refund.
      const consumer = ops.get('consumer-experience') as OpsClient;
      await consumer.setShadowPolicy({ requestId: 'e2e-shadow-on', kind: 'fast-refund', candidateVersion: SHADOW_CANDIDATE, enabled: true, note: 'decision-replay e2e' });
      const simulate = await runGovern(['simulate', '--seed', String(SEED), '--orders', String(ORDERS), '--json', ...addressArgs(platform.addresses)], { timeoutMs: 600_000, env: platform.cliEnv });
      expect(simulate.code, `govern simulate exited with ${simulate.code}:\n${simulate.stderr.slice(-4000)}`).toBe(0);
      // Livestream warnings are written behind (within a second): wait past that before replaying.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const window = { startTime, endTime: new Date(Date.now() + 60_000) };

      const replayedBy: Partial<Record<ServiceName, bigint>> = {};
      for (const name of SERVICE_NAMES) {
        const client = ops.get(name) as OpsClient;
        const kinds = await kindsOf(client);
        if (!kinds) {
          expect(MUST_RECORD[name], `${name} serves no GovernanceOpsService`).toBeUndefined();
          continue;
        }
        const report = await waitingOutRateLimit(() => client.replayDecisions({ window, maxDecisions: 1_000_000n, maxResults: 5 }));
        expect(report.results, `${name}: decisions that did not replay identical`).toEqual([]);
        expect(report).toMatchObject({ different: 0n, notReplayable: 0n, truncated: false });
        expect(report.identical).toBe(report.replayed);
        replayedBy[name] = report.replayed;
        // Kind by kind, the run's decisions add up to the whole, and the kinds the run must exercise were recorded.
        let total = 0n;
        for (const kind of kinds) {
          const ofKind = await waitingOutRateLimit(() => client.replayDecisions({ kind, window, maxDecisions: 1_000_000n }));
          expect(ofKind.identical, `${name} ${kind}`).toBe(ofKind.replayed);
          if (MUST_RECORD[name]?.includes(kind)) expect(ofKind.replayed, `${name} recorded no ${kind} decision`).toBeGreaterThan(0n);
          total += ofKind.replayed;
        }
        expect(total).toBe(report.replayed);
      }
      expect(Object.keys(replayedBy).sort()).toEqual(expect.arrayContaining(Object.keys(MUST_RECORD).sort()));
      console.log(`decisions replayed identical: ${JSON.stringify(Object.fromEntries(Object.entries(replayedBy).map(([k, v]) => [k, Number(v)])))}`);
      runWindow = window;
    },
    15 * 60_000,
  );

  it(
    'a backtest of the run with the candidate that ran in shadow finds exactly the outcome changes the live shadow evaluations recorded, and govern backtest prints them',
    async () => {
      expect(runWindow, 'the simulated run did not complete').toBeDefined();
      const window = runWindow as { startTime: Date; endTime: Date };
      const consumer = ops.get('consumer-experience') as OpsClient;
      // Two evaluations of the same facts by different paths: live, inside each refund's transaction,
      // and afterwards from the recorded inputs. They must agree decision by decision.
      const { reports } = await waitingOutRateLimit(() => consumer.getShadowReport({ window, kind: 'fast-refund', topN: 100 }));
      const [shadow] = reports;
      expect(shadow).toMatchObject({ kind: 'fast-refund', candidateVersion: SHADOW_CANDIDATE, failed: 0n });
      const backtest = await waitingOutRateLimit(() => consumer.runBacktest({ kind: 'fast-refund', candidateVersion: SHADOW_CANDIDATE, window, exampleLimit: 50 }));
      expect(backtest).toMatchObject({ evaluated: shadow?.evaluated, failed: 0n, truncated: false });
      expect(backtest.outcomeChanged).toBe((shadow?.evaluated ?? 0n) - (shadow?.agreed ?? 0n));
      const pairs = (list: { from: string; to: string; count: bigint }[]) => list.map((p) => `${p.from}->${p.to}:${p.count}`).sort();
      expect(pairs(backtest.changes.map((c) => ({ from: c.baselineOutcome, to: c.candidateOutcome, count: c.count })))).toEqual(
        pairs((shadow?.divergingOutcomes ?? []).map((d) => ({ from: d.activeOutcome, to: d.candidateOutcome, count: d.count }))),
      );
      expect(backtest.outcomeChanged, 'the stricter cap changed no refund of the run: the check proves nothing').toBeGreaterThan(0n);

      const printed = await runGovern(
        ['backtest', '--service', 'consumer-experience', '--kind', 'fast-refund', '--policy', SHADOW_CANDIDATE, '--from', window.startTime.toISOString(), '--to', window.endTime.toISOString(), ...addressArgs(platform.addresses)],
        { timeoutMs: 300_000, env: platform.cliEnv },
      );
      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stdout).toContain(`evaluated ${Number(backtest.evaluated).toLocaleString('en-US')} decisions: ${Number(backtest.outcomeChanged).toLocaleString('en-US')} change outcome`);
      for (const change of backtest.changes) expect(printed.stdout).toContain(`${change.baselineOutcome} → ${change.candidateOutcome}: ${Number(change.count).toLocaleString('en-US')}`);
      console.log(`backtest of ${SHADOW_CANDIDATE} over the run: ${backtest.evaluated} refunds, ${backtest.outcomeChanged} would change, as the live shadow recorded`);
    },
    10 * 60_000,
  );
});
