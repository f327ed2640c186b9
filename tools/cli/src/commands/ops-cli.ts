import { GovernanceOpsServiceDefinition, isServiceName, serviceKey, SERVICE_NAMES, type Money, type ServiceName } from '@govern/contracts-common';
import { DEFAULT_ADDRESSES } from '@govern/platform-clients';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closeServiceClient, createServiceClient, type ServiceClient } from '@govern/platform-grpc';
import { UsageError } from '../usage-error';
import { CREDENTIAL_OPTIONS, CREDENTIALS_HELP, resolveCredentials, tokenAs, type CliCredentials, type CredentialValues } from '../credentials';

/**
 * What the operator commands (`govern replay`, `govern backtest`) share: choosing a service,
 * its GovernanceOpsService client, time windows, and printing money and JSON.
 */
export interface CliCommand {
  name: string;
  /** One line for `govern --help`. */
  summary: string;
  help: string;
  run(args: string[]): Promise<void>;
}

export type OpsClient = ServiceClient<typeof GovernanceOpsServiceDefinition>;

export { SERVICE_NAMES, type ServiceName };

/** parseArgs options for every registry service's address and --help, as the other commands take them. */
export const OPS_ADDRESS_OPTIONS = {
  ...Object.fromEntries(SERVICE_NAMES.map((name) => [name, { type: 'string', default: DEFAULT_ADDRESSES[serviceKey(name)] }] as const)),
  ...CREDENTIAL_OPTIONS,
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** What every ops command takes: the addresses, credentials and --help, then --service and --json. */
export const OPS_COMMAND_OPTIONS = {
  ...OPS_ADDRESS_OPTIONS,
  service: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

/** --from and --to, for the commands that read a time window (see windowOf). */
export const WINDOW_OPTIONS = { from: { type: 'string' }, to: { type: 'string' } } as const;

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type OpsArgs<Options extends OptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPS_COMMAND_OPTIONS & Options }>>;

/** An ops command's arguments: OPS_COMMAND_OPTIONS and its own `options`. Undefined after --help (the help printed). */
export const parseOpsArgs = <const Options extends OptionsConfig>(args: string[], help: string, options: Options): OpsArgs<Options> | undefined => {
  const parsed = parseArgs({ args, allowPositionals: true, options: { ...OPS_COMMAND_OPTIONS, ...options } });
  // OPS_COMMAND_OPTIONS has --help; TypeScript does not resolve the values of a generic config.
  if ((parsed.values as { help?: boolean }).help) return void console.log(help);
  return parsed;
};

const addressFlagWidth = Math.max(...SERVICE_NAMES.map((name) => name.length)) + ' HOST:PORT'.length + 2;
export const OPS_ADDRESS_HELP = `Service addresses (defaults: the ports npm start uses):
${SERVICE_NAMES.map((name) => `  --${`${name} HOST:PORT`.padEnd(addressFlagWidth)}${DEFAULT_ADDRESSES[serviceKey(name)]}`).join('\n')}

${CREDENTIALS_HELP}`;

export const serviceNamed = (value: string | undefined, option = '--service'): ServiceName => {
  if (value === undefined) throw new UsageError(`${option} is required (${SERVICE_NAMES.join(', ')})`);
  if (!isServiceName(value)) throw new UsageError(`${option}: unknown service "${value}" (${SERVICE_NAMES.join(', ')})`);
  return value;
};

export const addressOf = (values: Record<string, unknown>, service: ServiceName): string => String(values[service] ?? DEFAULT_ADDRESSES[serviceKey(service)]);

/**
 * A service's GovernanceOpsService client. Without --token the CLI signs a development token with
 * the least role the command needs: `auditor` to read (decisions, replays, backtests, the audit
 * trail), `operator` to change what runs (shadow candidates, re-drives).
 */
export const connectOps = (address: string, deadlineMs: number, credentials: CliCredentials = resolveCredentials({}), role: 'auditor' | 'operator' = 'operator'): OpsClient => {
  const token = tokenAs(credentials, 'govern-cli', [role]);
  // Every ops method is read-only or idempotent by request_id: retrying on UNAVAILABLE is safe.
  return createServiceClient(GovernanceOpsServiceDefinition, address, {
    defaultDeadlineMs: deadlineMs,
    retry: { maxAttempts: 3, baseDelayMs: 200, allMethods: true },
    transport: credentials.transport,
    ...(token ? { token } : {}),
  });
};

/**
 * Runs `use` with `service`'s GovernanceOpsService client (connectOps, at the address and with the
 * credentials the command's arguments give) and closes the client after, whatever happened.
 */
export const withOpsClient = async <T>(
  values: Record<string, unknown>,
  service: ServiceName,
  connection: { deadlineMs: number; role: 'auditor' | 'operator' },
  use: (client: OpsClient) => Promise<T>,
): Promise<T> => {
  const client = connectOps(addressOf(values, service), connection.deadlineMs, resolveCredentials(values as CredentialValues), connection.role);
  try {
    return await use(client);
  } finally {
    closeServiceClient(client);
  }
};

const parseTime = (name: string, value: string | undefined, fallback: Date): Date => {
  if (value === undefined) return fallback;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name}: not a date: ${value}`);
  return date;
};

/** [--from, --to): default the last 30 days. */
export const windowOf = (values: { from?: string | undefined; to?: string | undefined }, now = new Date()): { startTime: Date; endTime: Date } => {
  const endTime = parseTime('to', values.to, now);
  const startTime = parseTime('from', values.from, new Date(endTime.getTime() - 30 * 24 * 3600_000));
  if (startTime >= endTime) throw new UsageError('--from must be before --to');
  return { startTime, endTime };
};

export const positiveInteger = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name}: not a positive integer: ${value}`);
  return n;
};

/** ¥ with thousands separators from fen: 12345678n -> "¥123,456.78". */
export const yuan = (money: Money | bigint | undefined): string => {
  const fen = typeof money === 'bigint' ? money : (money?.amountFen ?? 0n);
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}¥${(abs / 100n).toLocaleString('en-US')}.${(abs % 100n).toString().padStart(2, '0')}`;
};

export const count = (n: bigint | number): string => Number(n).toLocaleString('en-US');

/** JSON for --json: bigints as strings, dates as ISO. */
export const toJson = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
