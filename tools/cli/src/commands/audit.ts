import { ActorKind, type AuditRecord } from '@govern/contracts-common';
import { UsageError } from '../usage-error';
import { OPS_ADDRESS_HELP, positiveInteger, serviceNamed, toJson, type CliCommand, parseOpsArgs, WINDOW_OPTIONS, withOpsClient } from './ops-cli';

/**
 * `govern audit`: a service's audit trail — who did what to which resource — through its
 * GovernanceOpsService (ListAuditRecords), like `govern events`.
 */
const HELP = `Usage: govern audit --service NAME [--resource TYPE:ID] [--actor SUBJECT] [--rpc RPC]
                    [--from ISO --to ISO] [--limit N] [--page TOKEN] [--json]

Lists the audit trail of a service, newest first: one record per mutation that committed,
with the authenticated caller (subject, kind, roles, service), the RPC, the resource it acted
on and what it decided. "Who removed this merchant?":

  govern audit --service merchant-access --resource merchant:<merchant-id>

  --service NAME       content, product-quality, merchant-access or consumer-experience
  --resource TYPE:ID   only records about this resource, e.g. merchant:m-1
  --actor SUBJECT      only records of this caller (token subject, or spiffe://govern/<service>)
  --rpc RPC            only records of this RPC, fully qualified, e.g.
                       govern.merchant_access.v1.MerchantAccessService/RecordViolation
  --from ISO, --to ISO only records written in [--from, --to) (both required together)
  --limit N            at most N records (default 50)
  --page TOKEN         the next page, as printed after a full page
  --json               print the service's answer as JSON

Reading the audit trail needs the auditor or operator role.

${OPS_ADDRESS_HELP}`;

const KINDS: Record<number, string> = {
  [ActorKind.ACTOR_KIND_PERSON]: 'person',
  [ActorKind.ACTOR_KIND_SYSTEM]: 'system',
  [ActorKind.ACTOR_KIND_SERVICE]: 'service',
};

const timeOf = (name: string, value: string): Date => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name}: not a date: ${value}`);
  return date;
};

/** `govern.merchant_access.v1.MerchantAccessService/RecordViolation` -> `RecordViolation`: the table's RPC column. */
const methodOf = (rpc: string): string => rpc.slice(rpc.lastIndexOf('/') + 1);

const actorText = (record: AuditRecord): string => {
  const actor = record.actor;
  if (!actor) return '?';
  const roles = actor.roles.length > 0 ? ` [${actor.roles.join(',')}]` : '';
  const via = actor.service && actor.kind === ActorKind.ACTOR_KIND_PERSON ? ` via ${actor.service}` : '';
  return `${actor.subject} (${KINDS[actor.kind] ?? '?'})${roles}${via}`;
};

/** The records as an aligned table, one line each (reasons and policy version in the last column). */
export const renderAuditTable = (records: readonly AuditRecord[]): string => {
  const header = ['TIME', 'ACTOR', 'RPC', 'RESOURCE', 'DECISION', 'REQUEST ID'];
  const rows = records.map((record) => [
    record.recordTime?.toISOString() ?? '?',
    actorText(record),
    methodOf(record.rpc),
    record.resource ? `${record.resource.type}:${record.resource.id}` : '?',
    [record.decision, ...(record.reasonCodes.length > 0 ? [`(${record.reasonCodes.join(', ')})`] : []), ...(record.policyVersion ? [`policy ${record.policyVersion}`] : [])].join(' '),
    record.requestId,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  return [header, ...rows].map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
};

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: "who did what to a resource: a service's audit trail",
  help: HELP,
  async run(args) {
    const parsed = parseOpsArgs(args, HELP, {
      resource: { type: 'string' },
      actor: { type: 'string' },
      rpc: { type: 'string' },
      ...WINDOW_OPTIONS,
      limit: { type: 'string' },
      page: { type: 'string' },
    });
    if (!parsed) return;
    const { values, positionals } = parsed;
    if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
    const service = serviceNamed(values.service);
    const [resourceType, ...resourceId] = (values.resource ?? '').split(':');
    if (values.resource !== undefined && (!resourceType || resourceId.join(':') === '')) throw new UsageError('--resource: TYPE:ID, e.g. merchant:m-1');
    if ((values.from === undefined) !== (values.to === undefined)) throw new UsageError('--from and --to go together');
    const pageSize = positiveInteger('limit', values.limit) ?? 0;
    const window = values.from !== undefined && values.to !== undefined ? { startTime: timeOf('from', values.from), endTime: timeOf('to', values.to) } : undefined;
    await withOpsClient(values, service, { deadlineMs: 60_000, role: 'auditor' }, async (client) => {
      const answer = await client.listAuditRecords({
        pageSize,
        pageToken: values.page ?? '',
        ...(values.resource !== undefined ? { resource: { type: resourceType ?? '', id: resourceId.join(':') } } : {}),
        actorSubject: values.actor ?? '',
        rpc: values.rpc ?? '',
        ...(window ? { window } : {}),
      });
      if (values.json) return void console.log(toJson({ service, ...answer }));
      if (answer.auditRecords.length === 0) return void console.log(`no audit records of ${service} match`);
      console.log(renderAuditTable(answer.auditRecords) + (answer.nextPageToken ? `\nmore: --page ${answer.nextPageToken}` : ''));
    });
  },
};
