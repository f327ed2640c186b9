import { describe, expect, it } from 'vitest';
import { BacktestTally } from './backtest';

const ref = (n: number) => ({ decisionId: `d-${n}`, subjects: [{ type: 'after_sale', id: `as-${n}` }], decidedAt: new Date(n * 1000) });

describe('BacktestTally', () => {
  it('counts outcomes, reasons and money per side and groups outcome changes with bounded examples', () => {
    const tally = new BacktestTally({ kind: 'toy-refund', candidate: 'v2', baseline: 'RECORDED', exampleLimit: 2, movesMoney: true });
    for (let n = 0; n < 5; n++) {
      tally.add(ref(n), { outcome: 'GRANTED', reasonCodes: ['WITHIN'], moneyFen: 100n }, { outcome: 'DENIED', reasonCodes: ['OVER', 'OVER'], moneyFen: 0n });
    }
    tally.add(ref(5), { outcome: 'DENIED', reasonCodes: ['LOW_TRUST'], moneyFen: 0n }, { outcome: 'DENIED', reasonCodes: ['LOW_TRUST', 'OVER'], moneyFen: 0n });
    tally.add(ref(6), { outcome: 'GRANTED', reasonCodes: ['WITHIN'], moneyFen: 50n }, { outcome: 'GRANTED', reasonCodes: ['WITHIN'], moneyFen: 50n });
    tally.fail(ref(7), new Error('boom'));
    tally.fail(ref(8), new Error('second'));

    const report = tally.report(false);
    expect(report).toMatchObject({ evaluated: 9, outcomeChanged: 5, reasonsChanged: 1, failed: 2, firstFailure: 'd-7: boom', truncated: false });
    expect(report.baselineTally).toEqual({
      outcomes: [{ code: 'GRANTED', count: 6 }, { code: 'DENIED', count: 1 }],
      reasons: [{ code: 'WITHIN', count: 6 }, { code: 'LOW_TRUST', count: 1 }],
      moneyAtStakeFen: 550n,
    });
    expect(report.candidateTally.reasons).toEqual([{ code: 'OVER', count: 6 }, { code: 'LOW_TRUST', count: 1 }, { code: 'WITHIN', count: 1 }]);
    expect(report.candidateTally.moneyAtStakeFen).toBe(50n);
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({ baselineOutcome: 'GRANTED', candidateOutcome: 'DENIED', count: 5, baselineMoneyFen: 500n, candidateMoneyFen: 0n });
    expect(report.changes[0]?.examples.map((e) => e.decisionId)).toEqual(['d-0', 'd-1']);
  });

  it('leaves money out for kinds that move none', () => {
    const tally = new BacktestTally({ kind: 'gate', candidate: 'v2', baseline: 'ACTIVE_VERSION', exampleLimit: 1, movesMoney: false });
    tally.add(ref(1), { outcome: 'PASS', reasonCodes: [] }, { outcome: 'PASS', reasonCodes: [] });
    expect(tally.report(true)).toMatchObject({ truncated: true, baselineTally: { moneyAtStakeFen: undefined }, changes: [] });
  });
});
