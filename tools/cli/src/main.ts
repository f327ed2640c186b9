/**
 * `govern`: operate the platform from the outside, through its public gRPC APIs only.
 *
 *   govern simulate [--seed N] [--scale demo|small|medium|large | --orders N] [--json]
 *   govern report [--from ISO] [--to ISO] [--json]
 *   govern health
 *   govern replay <decision-id> | --service NAME …
 *   govern backtest --service NAME --kind KIND (--version V | --parameters JSON) …
 *   govern events list|show --service NAME …
 *   govern dlq list|show|redrive --service NAME …
 *   govern shadow [on|off|report] --service NAME …
 *   govern audit --service NAME [--resource TYPE:ID] …
 */
import { parseArgs } from 'node:util';
import { checkPlatformHealth, checkPlatformMetrics, DEFAULT_METRICS_ADDRESSES, metricsTrouble, parseMetricsOption, renderMetricsHealth } from './commands/health';
import { fetchPlatformReport, renderReportTable } from './commands/platform-report';
import { auditCommand } from './commands/audit';
import { backtestCommand } from './commands/backtest';
import { dlqCommand, eventsCommand } from './commands/events';
import type { CliCommand } from './commands/ops-cli';
import { replayCommand } from './commands/replay';
import { shadowCommand } from './commands/shadow';
import { parseSimulateOptions, runSimulate } from './commands/simulate';
import { SimulationAborted } from './simulation/executor';
import { UsageError } from './usage-error';
import { SERVICE_NAMES, serviceKey } from '@govern/contracts-common';
import { connectPlatform, DEFAULT_ADDRESSES, type PlatformAddresses } from '@govern/platform-clients';
import { issueDevToken } from '@govern/platform-auth';
import { CREDENTIAL_OPTIONS, CREDENTIALS_HELP, DEFAULT_PKI_DIR, resolveCredentials, tokenAs, tokenPerActor } from './credentials';

/** `--<service> HOST:PORT` for every registry service, defaulting to the ports `npm start` uses. */
const ADDRESS_OPTIONS = {
  ...Object.fromEntries(SERVICE_NAMES.map((name) => [name, { type: 'string', default: DEFAULT_ADDRESSES[serviceKey(name)] }] as const)),
  ...CREDENTIAL_OPTIONS,
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const addressFlagWidth = Math.max(...SERVICE_NAMES.map((name) => name.length)) + ' HOST:PORT'.length + 2;
const ADDRESS_HELP = `Service addresses (defaults: the ports npm start uses):
${SERVICE_NAMES.map((name) => `  --${`${name} HOST:PORT`.padEnd(addressFlagWidth)}${DEFAULT_ADDRESSES[serviceKey(name)]}`).join('\n')}

${CREDENTIALS_HELP}`;

const HELP: Record<string, string> = {
  main: `govern — drive and inspect the Govern platform through its gRPC APIs

Usage: govern <command> [options]     (npm run govern -- <command> [options])

Commands:
  simulate   drive a seeded synthetic marketplace through the platform's gRPC APIs
  report     print the platform governance report for a period
  health     check that every service is up (health + reflection)
  replay     recompute recorded decisions with their recorded policy version
  backtest   re-evaluate a period's recorded decisions against a candidate policy
  shadow     run a candidate policy beside the live one, and report how it diverges
  events     list and show the events a service produced
  dlq        list, show and re-drive a service's dead letters
  audit      who did what to a resource: a service's audit trail
  token      print a development token (signed with the dev key of npm start)

Run "govern <command> --help" for a command's options.`,
  simulate: `Usage: govern simulate [--seed N] [--scale NAME | --orders N] [options]

Drives a synthetic marketplace through the four services' public gRPC APIs, in phases:
merchants apply (some high risk, some to manual review), list products (some "three-no",
with prohibited claims or without the category's licence), creators post videos (some with
claims, some re-posts) and run livestreams (some escalate to an interruption), a sampling
campaign records lab results, buyers order in stock and pre-sale, merchants ship (some late,
some with a tracking number that is never scanned), buyers ask for refunds before and after
dispatch, return goods, review and complain; operators record violations that remove some
merchants, whose rings then try to re-enter with a reused bank account, phone or device;
ad-hoc lab tests fail critically; the affiliate programme is swept and every video is
re-assessed once the sales are in. Between phases and at the end it waits for the platform to
settle (events between services, timers) and then prints what it sent and what the platform
answered. Follow it with "govern report".

The same seed against a fresh platform makes the same calls (ids and request ids derive from
the seed) and gets the same answers, so "govern report" prints the same figures. Timestamps
are relative to the real clock (the services run on it), always in the recent past.

  --seed N            seed of the run (default 1)
  --scale NAME        demo (~300 orders, under a minute), small (~1,500, the default, a
                      few minutes), medium (~8,000) or large (~30,000 orders)
  --orders N          plan N orders instead of a scale (everything else is sized from it)
  --concurrency N     calls in flight at most (default 16)
  --id-prefix P       prefix of every id (default sim<seed>). Another prefix plans another
                      marketplace of the same size, sharing nothing with the first: use it to
                      simulate again on a platform that already holds a run
  --settle-timeout S  longest wait, in seconds, for the platform to settle each time
                      (default 60, or one second per 100 orders when more)
  --metrics LIST      the services' Prometheus endpoints, as for "govern health" (default:
                      npm start's, when the services are at npm start's ports): settling ends
                      once no event, delivery or job is in flight there. "off", or endpoints
                      that do not answer: it ends when no figure changed for 2 s
  --json              print the summary as JSON
  --quiet             no progress on stderr (a bar on a terminal, periodic lines otherwise)

Exit status: 0 when the run completed, 1 when a service is unreachable or fails, 2 on bad options.

${ADDRESS_HELP}`,
  report: `Usage: govern report [--from ISO] [--to ISO] [--json]

Gathers every service's governance stats for [from, to) and prints the platform report in
the source document's categories.

  --from ISO   start of the period (default: 30 days ago)
  --to ISO     end of the period, exclusive (default: now)
  --json       print JSON instead of a table

${ADDRESS_HELP}`,
  token: `Usage: govern token --subject NAME [--roles R1,R2] [--system] [--ttl 1h]

Prints a development bearer token signed with ${DEFAULT_PKI_DIR}/token-signing-key.json (made
by npm start; GOVERN_PKI_DIR elsewhere), which the embedded services accept:

  TOKEN=$(npm run -s govern -- token --subject alice --roles operator)
  grpcurl -cacert ${DEFAULT_PKI_DIR}/ca.crt -H "authorization: Bearer $TOKEN" \\
    127.0.0.1:50053 govern.merchant_access.v1.MerchantAccessService/GetGovernanceStats

  --subject NAME   who the token names (a person, or with --system a platform caller's client id)
  --roles LIST     comma-separated roles: operator, finance, risk-reviewer, auditor, support
  --system         a client-credentials token of a platform system (listing, order, …)
  --ttl DURATION   lifetime: 90s, 30m, 8h (default 1h, at most 24h)`,
  health: `Usage: govern health [--metrics SERVICE=HOST:PORT,… | --metrics off]

Checks each service: grpc.health.v1 status and the number of methods reflection lists; then,
from its Prometheus endpoint (GET /metrics), each consumer (up or down, messages not yet
delivered, not yet acknowledged, dead letters), the outbox (events waiting, age of the oldest),
calls served and server errors, and durable jobs due and overdue.

  --metrics LIST      metrics endpoints that differ from npm start's (each service's metrics
                      port, below); "off" skips them
${Object.entries(DEFAULT_METRICS_ADDRESSES)
  .map(([name, endpoint]) => `                      ${name.padEnd(20)} ${endpoint}`)
  .join('\n')}

Exit status: 1 when a service is not SERVING, a consumer is down or a dead letter waits.

${ADDRESS_HELP}`,
};

const addressesFrom = (values: Record<string, unknown>): PlatformAddresses =>
  Object.fromEntries(SERVICE_NAMES.map((name) => [serviceKey(name), String(values[name])])) as PlatformAddresses;

const parseTime = (name: string, value: string | undefined, fallback: Date): Date => {
  if (value === undefined) return fallback;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name}: not a date: ${value}`);
  return date;
};

const commands: Record<string, (args: string[]) => Promise<void>> = {
  async simulate(args) {
    const { values } = parseArgs({
      args,
      options: {
        ...ADDRESS_OPTIONS,
        seed: { type: 'string' },
        scale: { type: 'string' },
        orders: { type: 'string' },
        concurrency: { type: 'string' },
        'id-prefix': { type: 'string' },
        'settle-timeout': { type: 'string' },
        metrics: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    if (values.help) return void console.log(HELP['simulate']);
    const addresses = addressesFrom(values);
    const options = parseSimulateOptions(values, Object.entries(DEFAULT_ADDRESSES).every(([key, address]) => addresses[key as keyof PlatformAddresses] === address));
    const credentials = resolveCredentials(values);
    // Simulate plays every actor: each RPC goes out with the token of the caller it belongs to.
    const clients = connectPlatform(addresses, { transport: credentials.transport, token: tokenPerActor(credentials) });
    try {
      const { summary, text } = await runSimulate(options, clients, addresses, { stderr: process.stderr, transport: credentials.transport });
      console.log(options.json ? JSON.stringify(summary, null, 2) : text);
    } finally {
      clients.close();
    }
  },
  async report(args) {
    const { values } = parseArgs({
      args,
      options: { ...ADDRESS_OPTIONS, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    if (values.help) return void console.log(HELP['report']);
    const to = parseTime('to', values.to, new Date());
    const from = parseTime('from', values.from, new Date(to.getTime() - 30 * 24 * 3600_000));
    if (from >= to) throw new UsageError('--from must be before --to');
    const credentials = resolveCredentials(values);
    // The report only reads governance stats: an auditor's.
    const clients = connectPlatform(addressesFrom(values), { transport: credentials.transport, token: tokenAs(credentials, 'govern-cli', ['auditor']) });
    try {
      const report = await fetchPlatformReport(clients, { from, to });
      console.log(values.json ? JSON.stringify(report, null, 2) : renderReportTable(report));
    } finally {
      clients.close();
    }
  },
  async health(args) {
    const { values } = parseArgs({ args, options: { ...ADDRESS_OPTIONS, metrics: { type: 'string' } } });
    if (values.help) return void console.log(HELP['health']);
    const endpoints = parseMetricsOption(values.metrics);
    const [results, metrics] = await Promise.all([checkPlatformHealth(addressesFrom(values), resolveCredentials(values).transport), endpoints ? checkPlatformMetrics(endpoints) : Promise.resolve([])]);
    for (const r of results) {
      console.log(`${r.service.padEnd(20)} ${r.address.padEnd(18)} ${r.status}${r.methods ? `  (${r.methods} methods)` : ''}`);
      // Health results are keyed like the addresses (merchantAccess); metrics by registry name.
      const health = metrics.find((m) => serviceKey(m.service as (typeof SERVICE_NAMES)[number]) === r.service);
      if (health) for (const line of renderMetricsHealth(health)) console.log(line);
    }
    if (results.some((r) => r.status !== 'SERVING') || metrics.some(metricsTrouble)) process.exitCode = 1;
  },
  async token(args) {
    const { values } = parseArgs({
      args,
      options: {
        subject: { type: 'string' },
        roles: { type: 'string', default: '' },
        system: { type: 'boolean', default: false },
        ttl: { type: 'string', default: '1h' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) return void console.log(HELP['token']);
    if (!values.subject) throw new UsageError('--subject is required');
    const { signingKeyFile } = resolveCredentials({ token: '' }, { ...process.env, GOVERN_TOKEN: '' });
    if (!signingKeyFile) throw new UsageError(`no development signing key in ${process.env['GOVERN_PKI_DIR'] ?? DEFAULT_PKI_DIR}: run npm start once (tokens of a real deployment come from its issuer)`);
    const roles = values.roles.split(',').map((role) => role.trim()).filter(Boolean);
    console.log(await issueDevToken(signingKeyFile, { subject: values.subject, roles, kind: values.system ? 'system' : 'person', ttlSeconds: parseTtl(values.ttl) }));
  },
};

const TTL = /^(\d+)(s|m|h)$/;
const parseTtl = (value: string): number => {
  const match = TTL.exec(value);
  if (!match) throw new UsageError(`--ttl: a duration like 90s, 30m or 8h (got ${value})`);
  const seconds = Number(match[1]) * { s: 1, m: 60, h: 3_600 }[match[2] as 's' | 'm' | 'h'];
  if (seconds < 1 || seconds > 86_400) throw new UsageError('--ttl: between 1s and 24h');
  return seconds;
};

/** Commands that carry their own help and option parsing. */
const SELF_DESCRIBED: readonly CliCommand[] = [replayCommand, backtestCommand, shadowCommand, eventsCommand, dlqCommand, auditCommand];
for (const command of SELF_DESCRIBED) {
  commands[command.name] = (args) => command.run(args);
  HELP[command.name] = command.help;
}

const main = async (): Promise<void> => {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h' || command === 'help') return void console.log(HELP['main']);
  const run = commands[command];
  if (!run) throw new UsageError(`unknown command "${command}"\n\n${HELP['main']}`);
  await run(rest);
};

main().catch((error: unknown) => {
  const code = (error as { code?: unknown }).code;
  if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
    console.error(`govern: ${(error as Error).message}`);
    process.exit(2);
  }
  if (error instanceof SimulationAborted) {
    console.error(`govern simulate: ${error.message}`);
    process.exit(1);
  }
  console.error(`govern: ${(error as Error).message}`);
  process.exit(1);
});
