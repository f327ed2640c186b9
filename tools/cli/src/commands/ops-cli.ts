import { GovernanceOpsServiceDefinition, type Money } from '@govern/contracts-common';
import { DEFAULT_ADDRESSES, type PlatformAddresses } from '@govern/platform-clients';
import { createServiceClient, type ServiceClient } from '@govern/platform-grpc';
import { UsageError } from '../usage-error';

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

export const SERVICE_NAMES = ['content', 'product-quality', 'merchant-access', 'consumer-experience'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const ADDRESS_KEYS: Record<ServiceName, keyof PlatformAddresses> = {
  content: 'content',
  'product-quality': 'productQuality',
  'merchant-access': 'merchantAccess',
  'consumer-experience': 'consumerExperience',
};

/** parseArgs options for the four addresses and --help, as the other commands take them. */
export const OPS_ADDRESS_OPTIONS = {
  content: { type: 'string', default: DEFAULT_ADDRESSES.content },
  'product-quality': { type: 'string', default: DEFAULT_ADDRESSES.productQuality },
  'merchant-access': { type: 'string', default: DEFAULT_ADDRESSES.merchantAccess },
  'consumer-experience': { type: 'string', default: DEFAULT_ADDRESSES.consumerExperience },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const OPS_ADDRESS_HELP = `Service addresses (defaults: the ports npm start uses):
  --content HOST:PORT              ${DEFAULT_ADDRESSES.content}
  --product-quality HOST:PORT      ${DEFAULT_ADDRESSES.productQuality}
  --merchant-access HOST:PORT      ${DEFAULT_ADDRESSES.merchantAccess}
  --consumer-experience HOST:PORT  ${DEFAULT_ADDRESSES.consumerExperience}`;

export const serviceNamed = (value: string | undefined, option = '--service'): ServiceName => {
  if (value === undefined) throw new UsageError(`${option} is required (${SERVICE_NAMES.join(', ')})`);
  if (!(SERVICE_NAMES as readonly string[]).includes(value)) throw new UsageError(`${option}: unknown service "${value}" (${SERVICE_NAMES.join(', ')})`);
  return value as ServiceName;
};

export const addressOf = (values: Record<string, unknown>, service: ServiceName): string => String(values[service] ?? DEFAULT_ADDRESSES[ADDRESS_KEYS[service]]);

export const connectOps = (address: string, deadlineMs: number): OpsClient =>
  // Every ops method is read-only or idempotent by request_id: retrying on UNAVAILABLE is safe.
  createServiceClient(GovernanceOpsServiceDefinition, address, { defaultDeadlineMs: deadlineMs, retry: { maxAttempts: 3, baseDelayMs: 200, allMethods: true } });

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
