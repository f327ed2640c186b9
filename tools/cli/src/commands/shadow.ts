import { randomUUID } from 'node:crypto';
import { ReasonSide, type GetShadowReportResponse, type ShadowPolicy } from '@govern/contracts-common';
import { UsageError } from '../usage-error';
import { renderKinds } from './backtest';
import { count, OPS_ADDRESS_HELP, positiveInteger, serviceNamed, toJson, windowOf, type CliCommand, parseOpsArgs, WINDOW_OPTIONS, withOpsClient } from './ops-cli';

const HELP = `Usage: govern shadow --service NAME                                   (the kinds and their shadow settings)
       govern shadow on --service NAME --kind KIND --policy VERSION [--note TEXT]
       govern shadow off --service NAME --kind KIND [--note TEXT]
       govern shadow report --service NAME [--kind KIND] [--from ISO] [--to ISO] [--top N] [--examples N] [--json]

Shadow mode (GovernanceOpsService.SetShadowPolicy / GetShadowReport): while a candidate policy
version is on in shadow for a decision kind, the service evaluates every live decision of the
kind with the candidate too and records its outcome beside the real one; nothing acts on it.
"on" and "off" record you (your token's subject) as who changed the setting, with the note.
"report" gives, per kind and candidate, how many live decisions were evaluated, the agreement
rate, and the outcome pairs and reason codes on which the candidate diverges.

  --service NAME    content, product-quality, merchant-access or consumer-experience
  --kind KIND       the decision kind (govern shadow --service NAME lists them)
  --policy VERSION  the candidate: one of the kind's loadable versions, not the active one
  --note TEXT       why (kept with the setting; at most 500 characters)
  --from, --to ISO  the report's window of live decisions (default: the last 30 days)
  --top N           divergences per kind (default 10, at most 100)
  --examples N      example decision ids per divergence (default 3, at most 20)
  --json            print the service's answer as JSON

${OPS_ADDRESS_HELP}`;

const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;

export const renderShadowPolicy = (policy: ShadowPolicy | undefined, service: string): string => {
  if (!policy) return `no shadow policy on ${service}`;
  const state = policy.enabled ? `on: candidate ${policy.candidateVersion} evaluated beside the active version` : 'off';
  const who = `${policy.changedBy?.subject ?? '?'} at ${policy.changeTime?.toISOString() ?? '?'}`;
  return `shadow of ${policy.kind} (${service}) is ${state}\n  set by ${who}${policy.note ? `: ${policy.note}` : ''}`;
};

export const renderShadowReport = (report: GetShadowReportResponse, service: string, window: { startTime: Date; endTime: Date }): string => {
  const lines = [`shadow evaluations of ${service} in [${window.startTime.toISOString()}, ${window.endTime.toISOString()})`];
  if (report.reports.length === 0) lines.push('  none: no candidate was on in shadow for a decision of this window');
  for (const kind of report.reports) {
    lines.push(
      '',
      `${kind.kind}, candidate ${kind.candidateVersion}: ${count(kind.evaluated)} evaluated, ${count(kind.agreed)} agreed (${percent(kind.agreementRate)}), ${count(kind.failed)} failed`,
    );
    for (const divergence of kind.divergingOutcomes) {
      lines.push(`  ${divergence.activeOutcome} → ${divergence.candidateOutcome}: ${count(divergence.count)}   e.g. ${divergence.exampleDecisionIds.join(', ') || '-'}`);
    }
    for (const reason of kind.divergingReasons) {
      const side = reason.side === ReasonSide.REASON_SIDE_CANDIDATE_ONLY ? 'only the candidate gives' : 'only the live policy gives';
      lines.push(`  ${side} ${reason.reasonCode}: ${count(reason.count)}   e.g. ${reason.exampleDecisionIds.join(', ') || '-'}`);
    }
  }
  return lines.join('\n');
};

const requireKind = (kind: string | undefined): string => {
  if (!kind) throw new UsageError('--kind is required (govern shadow --service NAME lists the kinds)');
  return kind;
};

export const shadowCommand: CliCommand = {
  name: 'shadow',
  summary: 'switch a candidate policy on or off in shadow, and report how it diverges',
  help: HELP,
  async run(args) {
    const parsed = parseOpsArgs(args, HELP, {
      kind: { type: 'string' },
      policy: { type: 'string' },
      note: { type: 'string', default: '' },
      ...WINDOW_OPTIONS,
      top: { type: 'string' },
      examples: { type: 'string' },
    });
    if (!parsed) return;
    const { values, positionals } = parsed;
    const [action = 'list', ...rest] = positionals;
    if (rest.length > 0 || !['list', 'on', 'off', 'report'].includes(action)) throw new UsageError(`govern shadow [on|off|report]: unexpected "${positionals.join(' ')}"`);
    const service = serviceNamed(values.service);
    // SetShadowPolicy is keyed by request_id: one per invocation, so the client's retries of it are one change.
    await withOpsClient(values, service, { deadlineMs: 60_000, role: action === 'on' || action === 'off' ? 'operator' : 'auditor' }, async (client) => {
      if (action === 'list') {
        const { kinds } = await client.listDecisionKinds({});
        console.log(values.json ? toJson(kinds) : renderKinds(kinds, service));
      } else if (action === 'report') {
        const window = windowOf(values);
        const report = await client.getShadowReport({
          window,
          kind: values.kind ?? '',
          topN: positiveInteger('top', values.top) ?? 0,
          exampleLimit: positiveInteger('examples', values.examples) ?? 0,
        });
        console.log(values.json ? toJson({ service, ...report }) : renderShadowReport(report, service, window));
      } else {
        const kind = requireKind(values.kind);
        if (action === 'on' && !values.policy) throw new UsageError('--policy VERSION is required to switch shadow on');
        if (action === 'off' && values.policy) throw new UsageError('--policy is for "on" only');
        const { shadowPolicy } = await client.setShadowPolicy({
          requestId: `govern-cli-shadow-${randomUUID()}`,
          kind,
          candidateVersion: values.policy ?? '',
          enabled: action === 'on',
          note: values.note,
        });
        console.log(values.json ? toJson({ service, shadowPolicy }) : renderShadowPolicy(shadowPolicy, service));
      }
    });
  },
};
