import { BacktestBaseline, type DecisionKind, type OutcomeTally, type RunBacktestResponse } from '@govern/contracts-common';
import { UsageError } from '../usage-error';
import { count, OPS_ADDRESS_HELP, positiveInteger, serviceNamed, toJson, windowOf, yuan, type CliCommand, parseOpsArgs, WINDOW_OPTIONS, withOpsClient } from './ops-cli';

const HELP = `Usage: govern backtest --service NAME (--policy VERSION | --parameters JSON) [options]

Re-evaluates the recorded inputs of the decisions a service took in [--from, --to) with a
candidate policy, inside that service (GovernanceOpsService.RunBacktest), and prints how the
outcomes would change: counts by outcome and reason for the baseline and the candidate, the
outcome changes with examples, and the money at stake for decisions that move money.
Nothing is recorded or acted on.

  --service NAME       content, product-quality, merchant-access or consumer-experience
  --policy VERSION     a candidate version the service can load (see its decision kinds)
  --parameters JSON    or: fields laid over the active policy, e.g. '{"capFen":{"$bigint":"15000"}}'
  --kind KIND          the decision kind; needed only when several kinds could take the candidate
  --from ISO           start of the window (default: 30 days before --to)
  --to ISO             end of the window, exclusive (default: now)
  --baseline WHICH     recorded (what was decided, the default) or active (the active version
                       re-evaluated: isolates the candidate's change when the window spans versions)
  --examples N         examples per outcome change (default 5, at most 50)
  --max N              evaluate at most N decisions, oldest first
  --json               print the service's answer as JSON

Without --policy or --parameters, lists the service's decision kinds and their versions.

${OPS_ADDRESS_HELP}`;

/** The kind a candidate applies to: --kind, else the only kind that can take it. */
export const chooseKind = (kinds: readonly DecisionKind[], wanted: string | undefined, candidate: { version?: string; parameters?: string }): string => {
  const names = kinds.map((k) => k.kind).join(', ') || 'none';
  if (wanted !== undefined) {
    if (!kinds.some((k) => k.kind === wanted)) throw new UsageError(`--kind: the service has no decision kind "${wanted}" (it has: ${names})`);
    return wanted;
  }
  const fits = kinds.filter((k) => (candidate.version !== undefined ? k.versions.includes(candidate.version) : k.acceptsParameters));
  if (fits.length === 1 && fits[0]) return fits[0].kind;
  if (fits.length === 0) throw new UsageError(`no decision kind of the service takes this candidate (kinds: ${names})`);
  throw new UsageError(`several decision kinds could take this candidate: name one with --kind (${fits.map((k) => k.kind).join(', ')})`);
};

export const renderKinds = (kinds: readonly DecisionKind[], service: string): string => {
  if (kinds.length === 0) return `${service} records no decision kinds yet`;
  return kinds
    .map((k) => {
      const shadow = k.shadowPolicy?.enabled ? `  shadow: ${k.shadowPolicy.candidateVersion} (set by ${k.shadowPolicy.changedBy?.subject ?? '?'})` : '';
      return `${k.kind.padEnd(24)} ${k.policyName}  active ${k.activeVersion}  versions ${k.versions.join(', ')}${k.acceptsParameters ? '  (accepts --parameters)' : ''}${shadow}`;
    })
    .join('\n');
};

const tallyRows = (label: string, baseline: OutcomeTally | undefined, candidate: OutcomeTally | undefined, key: 'outcomes' | 'reasons'): string[] => {
  const codes = [...new Set([...(baseline?.[key] ?? []), ...(candidate?.[key] ?? [])].map((c) => c.code))];
  const of = (tally: OutcomeTally | undefined, code: string): bigint => tally?.[key].find((c) => c.code === code)?.count ?? 0n;
  const width = Math.max(label.length, ...codes.map((c) => c.length)) + 2;
  return [
    `${label.padEnd(width)}${'baseline'.padStart(12)}${'candidate'.padStart(12)}`,
    ...codes.map((code) => `${code.padEnd(width)}${count(of(baseline, code)).padStart(12)}${count(of(candidate, code)).padStart(12)}`),
  ];
};

export const renderBacktest = (report: RunBacktestResponse, service: string, window: { startTime: Date; endTime: Date }): string => {
  const against = report.baseline === BacktestBaseline.BACKTEST_BASELINE_ACTIVE_VERSION ? 'the active version re-evaluated' : 'the recorded outcomes';
  const lines = [
    `Backtest of ${report.kind} (${service}): candidate ${report.candidate} against ${against}`,
    `window [${window.startTime.toISOString()}, ${window.endTime.toISOString()})`,
    `evaluated ${count(report.evaluated)} decisions: ${count(report.outcomeChanged)} change outcome, ${count(report.reasonsChanged)} change reasons only, ${count(report.failed)} failed${report.truncated ? '  (stopped at --max)' : ''}`,
  ];
  if (report.firstFailure) lines.push(`first failure: ${report.firstFailure}`);
  lines.push('', ...tallyRows('outcome', report.baselineTally, report.candidateTally, 'outcomes'));
  lines.push('', ...tallyRows('reason', report.baselineTally, report.candidateTally, 'reasons'));
  const baseMoney = report.baselineTally?.moneyAtStake;
  const candidateMoney = report.candidateTally?.moneyAtStake;
  if (baseMoney || candidateMoney) {
    const delta = (candidateMoney?.amountFen ?? 0n) - (baseMoney?.amountFen ?? 0n);
    lines.push('', `money at stake: ${yuan(baseMoney)} → ${yuan(candidateMoney)} (${delta >= 0n ? '+' : ''}${yuan(delta)})`);
  }
  if (report.changes.length > 0) lines.push('', 'outcome changes:');
  for (const change of report.changes) {
    const money = change.baselineMoneyAtStake || change.candidateMoneyAtStake ? `   ${yuan(change.baselineMoneyAtStake)} → ${yuan(change.candidateMoneyAtStake)}` : '';
    lines.push(`  ${change.baselineOutcome} → ${change.candidateOutcome}: ${count(change.count)}${money}`);
    for (const example of change.examples) {
      const subjects = example.subjects.map((s) => `${s.type}:${s.id}`).join(' ');
      lines.push(`    ${example.decisionId}  ${subjects}  ${example.decideTime?.toISOString() ?? ''}`);
      lines.push(`      reasons ${example.baselineReasonCodes.join(', ') || '-'}  →  ${example.candidateReasonCodes.join(', ') || '-'}`);
    }
  }
  return lines.join('\n');
};

export const backtestCommand: CliCommand = {
  name: 'backtest',
  summary: 'show how a candidate policy would have decided a past period',
  help: HELP,
  async run(args) {
    const parsed = parseOpsArgs(args, HELP, {
      policy: { type: 'string' },
      parameters: { type: 'string' },
      kind: { type: 'string' },
      ...WINDOW_OPTIONS,
      baseline: { type: 'string', default: 'recorded' },
      examples: { type: 'string' },
      max: { type: 'string' },
    });
    if (!parsed) return;
    const { values, positionals } = parsed;
    if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
    const service = serviceNamed(values.service);
    if (values.policy !== undefined && values.parameters !== undefined) throw new UsageError('give --policy or --parameters, not both');
    if (values.baseline !== 'recorded' && values.baseline !== 'active') throw new UsageError(`--baseline: "recorded" or "active", not "${values.baseline}"`);
    const window = windowOf(values);
    const examples = positiveInteger('examples', values.examples);
    const max = positiveInteger('max', values.max);
    // The service re-evaluates every decision of the window: give it time.
    await withOpsClient(values, service, { deadlineMs: 15 * 60_000, role: 'auditor' }, async (client) => {
      const { kinds } = await client.listDecisionKinds({});
      if (values.policy === undefined && values.parameters === undefined) {
        console.log(values.json ? toJson(kinds) : renderKinds(kinds, service));
        return;
      }
      const candidate = values.policy !== undefined ? { version: values.policy } : { parameters: values.parameters as string };
      const kind = chooseKind(kinds, values.kind, candidate);
      const report = await client.runBacktest({
        kind,
        ...(candidate.version !== undefined ? { candidateVersion: candidate.version } : { candidateParametersJson: candidate.parameters }),
        window,
        baseline: values.baseline === 'active' ? BacktestBaseline.BACKTEST_BASELINE_ACTIVE_VERSION : BacktestBaseline.BACKTEST_BASELINE_RECORDED,
        exampleLimit: examples ?? 0,
        maxDecisions: BigInt(max ?? 0),
      });
      console.log(values.json ? toJson({ service, ...report }) : renderBacktest(report, service, window));
    });
  },
};
