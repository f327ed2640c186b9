import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BacktestBaseline,
  ReplayVerdict,
  type RunBacktestRequest,
} from '@govern/contracts-common';
import { type DevPki } from '@govern/platform-auth';
import { notFound } from '@govern/policy-core';
import { UsageError } from '../usage-error';
import { backtestCommand } from './backtest';
import { replayCommand } from './replay';
import { capturePrinted, cleanUpOpsSuite, devPkiForCli, startOpsServer, type OpsServerStub } from '../testing/ops-server.fixture';

/**
 * The operator commands against real gRPC servers that serve GovernanceOpsService with fixed
 * answers (the service side is tested in platform-decisions): what the CLI sends, which
 * service it picks, what it prints and its exit status.
 */
const backtests: RunBacktestRequest[] = [];

// The CLI finds the development CA, its certificate and the dev signing key here, as after npm start.
let pki: DevPki;

const opsServer = (hasDecision: boolean): Promise<OpsServerStub> =>
  startOpsServer(pki, 'content', {
    async replayDecision(request) {
      if (!hasDecision || request.decisionId !== 'dec-9') throw notFound('DECISION.NOT_FOUND', 'No decision with this id');
      return {
        result: {
          decisionId: 'dec-9',
          kind: 'fast-refund',
          verdict: ReplayVerdict.REPLAY_VERDICT_DIFFERENT,
          policy: { name: 'consumer-fast-refund', version: '2026-11-01.1' },
          firstDifference: { path: '$.outcome', recordedJson: '"GRANTED"', recomputedJson: '"DENIED"', truncated: false },
          detail: '',
        },
      };
    },
    async listDecisionKinds() {
      const kind = (name: string, versions: string[]) => ({ kind: name, policyName: name, activeVersion: versions[0] ?? '', versions, movesMoney: true, acceptsParameters: name === 'fast-refund' });
      return { kinds: [kind('fast-refund', ['2026-11-01.1', '2026-12-01.1']), kind('compensation', ['2026-11-01.1'])] };
    },
    async runBacktest(request) {
      backtests.push(request);
      return {
        kind: request.kind,
        candidate: request.candidateVersion ?? 'parameters:0123456789ab',
        baseline: BacktestBaseline.BACKTEST_BASELINE_RECORDED,
        evaluated: 1200n,
        outcomeChanged: 40n,
        reasonsChanged: 3n,
        failed: 0n,
        firstFailure: '',
        truncated: false,
        baselineTally: { outcomes: [{ code: 'GRANTED', count: 1000n }, { code: 'DENIED', count: 200n }], reasons: [], moneyAtStake: { amountFen: 12_345_600n, currencyCode: 'CNY' } },
        candidateTally: { outcomes: [{ code: 'GRANTED', count: 960n }, { code: 'DENIED', count: 240n }], reasons: [], moneyAtStake: { amountFen: 11_645_600n, currencyCode: 'CNY' } },
        changes: [
          {
            baselineOutcome: 'GRANTED',
            candidateOutcome: 'DENIED',
            count: 40n,
            baselineMoneyAtStake: { amountFen: 700_000n, currencyCode: 'CNY' },
            candidateMoneyAtStake: { amountFen: 0n, currencyCode: 'CNY' },
            examples: [{ decisionId: 'dec-1', subjects: [{ type: 'after_sale', id: 'as-1' }], decideTime: new Date('2026-11-03T00:00:00Z'), baselineReasonCodes: ['FAST_REFUND.TRUST_TIER'], candidateReasonCodes: ['FAST_REFUND.AMOUNT_OVER_CAP'] }],
          },
        ],
      };
    },
  });

describe('govern replay and govern backtest', () => {
  let consumer: OpsServerStub;
  let content: OpsServerStub;
  let others: OpsServerStub[] = [];
  let addresses: string[];
  const printed: string[] = [];

  beforeAll(async () => {
    pki = await devPkiForCli('content');
    consumer = await opsServer(true);
    content = await opsServer(false);
    // product-quality and merchant-access answer NOT_FOUND too: the decision lives in one service.
    others = await Promise.all([opsServer(false), opsServer(false)]);
    addresses = ['--content', content.address, '--consumer-experience', consumer.address, '--product-quality', others[0]?.address ?? '', '--merchant-access', others[1]?.address ?? ''];
    capturePrinted(printed);
  });
  afterEach(() => {
    printed.length = 0;
    process.exitCode = undefined;
  });
  afterAll(() => cleanUpOpsSuite([consumer, content, ...others], pki));

  it('replay finds the service that took the decision, prints the first difference and exits 1', async () => {
    await replayCommand.run(['dec-9', ...addresses]);
    expect(printed.join('\n')).toBe(
      [
        'decision dec-9 (fast-refund, consumer-experience) under consumer-fast-refund 2026-11-01.1: DIFFERENT',
        '  first difference at $.outcome',
        '    recorded:   "GRANTED"',
        '    recomputed: "DENIED"',
      ].join('\n'),
    );
    expect(process.exitCode).toBe(1);
    await expect(replayCommand.run(['dec-none', ...addresses])).rejects.toThrow('no service has decision dec-none');
  });

  it('backtest picks the only kind with the candidate version, sends the window and prints the money at stake', async () => {
    await backtestCommand.run(['--service', 'consumer-experience', '--policy', '2026-12-01.1', '--from', '2026-11-01T00:00:00Z', '--to', '2026-12-01T00:00:00Z', ...addresses]);
    expect(backtests.at(-1)).toMatchObject({
      kind: 'fast-refund',
      candidateVersion: '2026-12-01.1',
      window: { startTime: new Date('2026-11-01T00:00:00Z'), endTime: new Date('2026-12-01T00:00:00Z') },
      baseline: BacktestBaseline.BACKTEST_BASELINE_RECORDED,
    });
    const text = printed.join('\n');
    expect(text).toContain('evaluated 1,200 decisions: 40 change outcome, 3 change reasons only, 0 failed');
    expect(text).toContain('money at stake: ¥123,456.00 → ¥116,456.00 (-¥7,000.00)');
    expect(text).toContain('GRANTED → DENIED: 40   ¥7,000.00 → ¥0.00');
    expect(text).toContain('reasons FAST_REFUND.TRUST_TIER  →  FAST_REFUND.AMOUNT_OVER_CAP');
  });

  it('backtest with parameters, and the usage errors that name what to fix', async () => {
    await backtestCommand.run(['--service', 'consumer-experience', '--parameters', '{"capFen":{"$bigint":"15000"}}', '--baseline', 'active', ...addresses]);
    expect(backtests.at(-1)).toMatchObject({ kind: 'fast-refund', candidateParametersJson: '{"capFen":{"$bigint":"15000"}}', baseline: BacktestBaseline.BACKTEST_BASELINE_ACTIVE_VERSION });
    await expect(backtestCommand.run(['--service', 'consumer-experience', '--policy', '2026-11-01.1', ...addresses])).rejects.toThrow(/several decision kinds.*fast-refund, compensation/);
    await expect(backtestCommand.run(['--service', 'nowhere', '--policy', 'x'])).rejects.toThrow(UsageError);
    await expect(backtestCommand.run(['--service', 'consumer-experience', '--policy', 'x', '--from', '2026-12-01', '--to', '2026-11-01'])).rejects.toThrow('--from must be before --to');
    await backtestCommand.run(['--service', 'consumer-experience', ...addresses]);
    expect(printed.at(-1)).toContain('fast-refund');
  });
});
