/**
 * `govern`: operate the platform from the outside, through its public gRPC APIs only.
 *
 *   govern report [--from ISO] [--to ISO] [--json]
 *   govern health
 */
import { parseArgs } from 'node:util';
import { checkPlatformHealth } from './commands/health';
import { fetchPlatformReport, renderReportTable } from './commands/platform-report';
import { connectPlatform, DEFAULT_ADDRESSES, type PlatformAddresses } from '@govern/platform-clients';

const ADDRESS_OPTIONS = {
  content: { type: 'string', default: DEFAULT_ADDRESSES.content },
  'product-quality': { type: 'string', default: DEFAULT_ADDRESSES.productQuality },
  'merchant-access': { type: 'string', default: DEFAULT_ADDRESSES.merchantAccess },
  'consumer-experience': { type: 'string', default: DEFAULT_ADDRESSES.consumerExperience },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const ADDRESS_HELP = `Service addresses (defaults: the ports npm start uses):
  --content HOST:PORT              ${DEFAULT_ADDRESSES.content}
  --product-quality HOST:PORT      ${DEFAULT_ADDRESSES.productQuality}
  --merchant-access HOST:PORT      ${DEFAULT_ADDRESSES.merchantAccess}
  --consumer-experience HOST:PORT  ${DEFAULT_ADDRESSES.consumerExperience}`;

const HELP: Record<string, string> = {
  main: `govern — drive and inspect the Govern platform through its gRPC APIs

Usage: govern <command> [options]     (npm run govern -- <command> [options])

Commands:
  report     print the platform governance report for a period
  health     check that every service is up (health + reflection)

Run "govern <command> --help" for a command's options.`,
  report: `Usage: govern report [--from ISO] [--to ISO] [--json]

Gathers every service's governance stats for [from, to) and prints the platform report in
the source document's categories.

  --from ISO   start of the period (default: 30 days ago)
  --to ISO     end of the period, exclusive (default: now)
  --json       print JSON instead of a table

${ADDRESS_HELP}`,
  health: `Usage: govern health

Checks each service: grpc.health.v1 status and the number of methods reflection lists.

${ADDRESS_HELP}`,
};

const addressesFrom = (values: Record<string, unknown>): PlatformAddresses => ({
  content: String(values['content']),
  productQuality: String(values['product-quality']),
  merchantAccess: String(values['merchant-access']),
  consumerExperience: String(values['consumer-experience']),
});

const parseTime = (name: string, value: string | undefined, fallback: Date): Date => {
  if (value === undefined) return fallback;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name}: not a date: ${value}`);
  return date;
};

class UsageError extends Error {}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  async report(args) {
    const { values } = parseArgs({
      args,
      options: { ...ADDRESS_OPTIONS, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    if (values.help) return void console.log(HELP['report']);
    const to = parseTime('to', values.to, new Date());
    const from = parseTime('from', values.from, new Date(to.getTime() - 30 * 24 * 3600_000));
    if (from >= to) throw new UsageError('--from must be before --to');
    const clients = connectPlatform(addressesFrom(values));
    try {
      const report = await fetchPlatformReport(clients, { from, to });
      console.log(values.json ? JSON.stringify(report, null, 2) : renderReportTable(report));
    } finally {
      clients.close();
    }
  },
  async health(args) {
    const { values } = parseArgs({ args, options: ADDRESS_OPTIONS });
    if (values.help) return void console.log(HELP['health']);
    const results = await checkPlatformHealth(addressesFrom(values));
    for (const r of results) console.log(`${r.service.padEnd(20)} ${r.address.padEnd(18)} ${r.status}${r.methods ? `  (${r.methods} methods)` : ''}`);
    if (results.some((r) => r.status !== 'SERVING')) process.exitCode = 1;
  },
};

const main = async (): Promise<void> => {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h' || command === 'help') return void console.log(HELP['main']);
  const run = commands[command];
  if (!run) throw new UsageError(`unknown command "${command}"\n\n${HELP['main']}`);
  await run(rest);
};

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`govern: ${(error as Error).message}`);
    process.exit(2);
  }
  console.error(`govern: ${(error as Error).message}`);
  process.exit(1);
});
