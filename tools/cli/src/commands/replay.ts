import { ReplayVerdict, type ReplayDecisionsResponse, type ReplayResult } from '@govern/contracts-common';
import { readErrorDetails } from '@govern/platform-grpc';
import { UsageError } from '../usage-error';
import { count, OPS_ADDRESS_HELP, positiveInteger, SERVICE_NAMES, serviceNamed, toJson, windowOf, type CliCommand, type ServiceName, parseOpsArgs, WINDOW_OPTIONS, withOpsClient } from './ops-cli';

const HELP = `Usage: govern replay <decision-id> [--service NAME] [--json]
       govern replay --service NAME [--kind KIND] [--from ISO] [--to ISO] [--max N] [--json]

Recomputes recorded decisions with the policy version each was taken under, inside the
service that took them (GovernanceOpsService.ReplayDecision / ReplayDecisions), and says
whether the result is identical to the record or where it first differs.

With a decision id: replays that decision. Without --service, every service is asked.
Without one: replays every decision the service took in [--from, --to) (default: the last
30 days), of one kind with --kind, and lists the ones that are not identical.

  --service NAME   content, product-quality, merchant-access or consumer-experience
  --kind KIND      only this decision kind (bulk replay)
  --from ISO       start of the window (default: 30 days before --to)
  --to ISO         end of the window, exclusive (default: now)
  --max N          replay at most N decisions, oldest first (bulk replay)
  --json           print the service's answer as JSON

Exit status: 0 when every decision replayed identical, 1 when one did not (or a service
failed), 2 on bad options.

${OPS_ADDRESS_HELP}`;

const VERDICTS: Record<number, string> = {
  [ReplayVerdict.REPLAY_VERDICT_IDENTICAL]: 'IDENTICAL',
  [ReplayVerdict.REPLAY_VERDICT_DIFFERENT]: 'DIFFERENT',
  [ReplayVerdict.REPLAY_VERDICT_NOT_REPLAYABLE]: 'NOT REPLAYABLE',
};

/** One replay, as people read it. */
export const renderReplayResult = (result: ReplayResult, service: string): string => {
  const head = `decision ${result.decisionId} (${result.kind}, ${service}) under ${result.policy?.name ?? '?'} ${result.policy?.version ?? '?'}: ${VERDICTS[result.verdict] ?? 'UNKNOWN'}`;
  const lines = [head];
  const difference = result.firstDifference;
  if (result.verdict === ReplayVerdict.REPLAY_VERDICT_DIFFERENT && difference) {
    lines.push(`  first difference at ${difference.path}`);
    lines.push(`    recorded:   ${difference.recordedJson || '(absent)'}`);
    lines.push(`    recomputed: ${difference.recomputedJson || '(absent)'}${difference.truncated ? '   (values cut at 4 KiB)' : ''}`);
  }
  if (result.detail) lines.push(`  ${result.detail}`);
  return lines.join('\n');
};

export const renderBulkReplay = (report: ReplayDecisionsResponse, service: string, window: { startTime: Date; endTime: Date }): string => {
  const lines = [
    `replayed ${count(report.replayed)} decisions of ${service} taken in [${window.startTime.toISOString()}, ${window.endTime.toISOString()})`,
    `  identical ${count(report.identical)}, different ${count(report.different)}, not replayable ${count(report.notReplayable)}${report.truncated ? '  (stopped at --max: later decisions not replayed)' : ''}`,
  ];
  for (const result of report.results) lines.push(renderReplayResult(result, service).replace(/^/gm, '  '));
  return lines.join('\n');
};

/** Asks every service for the decision: the one that took it answers, the others say NOT_FOUND. */
const replayAnywhere = async (decisionId: string, values: Record<string, unknown>, services: readonly ServiceName[]): Promise<{ service: ServiceName; result: ReplayResult }> => {
  const problems: string[] = [];
  const answers = await Promise.all(
    services.map((service) =>
      withOpsClient(values, service, { deadlineMs: 30_000, role: 'auditor' }, async (client) => {
        const { result } = await client.replayDecision({ decisionId });
        return result && { service, result };
      }).catch((error: unknown) => {
        const details = readErrorDetails(error);
        if (details?.codeName !== 'NOT_FOUND') problems.push(`${service}: ${details ? `${details.codeName} ${details.message}` : (error as Error).message}`);
        return undefined;
      }),
    ),
  );
  const found = answers.find((answer) => answer !== undefined);
  if (found) return found;
  throw new Error(`no service has decision ${decisionId}${problems.length ? ` (${problems.join('; ')})` : ''}`);
};

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'recompute recorded decisions with their policy version and compare',
  help: HELP,
  async run(args) {
    const parsed = parseOpsArgs(args, HELP, { kind: { type: 'string' }, ...WINDOW_OPTIONS, max: { type: 'string' } });
    if (!parsed) return;
    const { values, positionals } = parsed;
    if (positionals.length > 1) throw new UsageError('give one decision id at most');
    const [decisionId] = positionals;

    if (decisionId !== undefined) {
      const services = values.service === undefined ? SERVICE_NAMES : [serviceNamed(values.service)];
      const { service, result } = await replayAnywhere(decisionId, values, services);
      console.log(values.json ? toJson({ service, result }) : renderReplayResult(result, service));
      if (result.verdict !== ReplayVerdict.REPLAY_VERDICT_IDENTICAL) process.exitCode = 1;
      return;
    }

    const service = serviceNamed(values.service, '--service (or a decision id)');
    const window = windowOf(values);
    const max = positiveInteger('max', values.max);
    // A month of decisions takes a while to recompute: the service walks them in pages.
    await withOpsClient(values, service, { deadlineMs: 15 * 60_000, role: 'auditor' }, async (client) => {
      const report = await client.replayDecisions({ kind: values.kind ?? '', window, maxDecisions: BigInt(max ?? 0), maxResults: 50 });
      console.log(values.json ? toJson({ service, ...report }) : renderBulkReplay(report, service, window));
      if (report.different > 0n || report.notReplayable > 0n) process.exitCode = 1;
    });
  },
};
