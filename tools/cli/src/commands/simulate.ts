import { SERVICE_NAMES } from '@govern/contracts-common';
import type { PlatformAddresses, PlatformClients } from '@govern/platform-clients';
import { readErrorDetails } from '@govern/platform-grpc';
import { UsageError } from '../usage-error';
import { Executor, SimulationAborted, estimateCalls } from '../simulation/executor';
import { createProgress, silentProgress, type Progress, type ProgressStream } from '../simulation/progress';
import { platformActivityFromMetrics, type ReadPlatformActivity } from '../simulation/run/platform-activity';
import { generateScenario, SCALES, type ScaleName, type Scenario } from '../simulation/scenario';
import { buildSummary, renderSummary, Tally, type SimulationSummary } from '../simulation/summary';
import { checkPlatformHealth, parseMetricsOption } from './health';
import type { ClientTransport } from '@govern/platform-auth';

export interface SimulateOptions {
  seed: number;
  scale: ScaleName | 'custom';
  orders: number;
  concurrency: number;
  idPrefix: string | undefined;
  settleTimeoutMs: number;
  /** Each service's Prometheus endpoint, by registry name: settling waits for the work in flight there to drain. */
  metrics: Record<string, string> | undefined;
  json: boolean;
  quiet: boolean;
}

const integer = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--${name}: not a whole number: ${raw}`);
  const value = Number(raw);
  if (value < min || value > max) throw new UsageError(`--${name}: must be between ${min} and ${max}, got ${raw}`);
  return value;
};

/**
 * Options from parseArgs values; throws UsageError on anything unusable. `npmStartAddresses`:
 * the services are at the ports `npm start` uses, so by default their metrics are at its metrics
 * ports too (of another platform, they would say nothing about this one: `--metrics` names them).
 */
export const parseSimulateOptions = (
  values: {
  seed?: string | undefined;
  scale?: string | undefined;
  orders?: string | undefined;
  concurrency?: string | undefined;
  'id-prefix'?: string | undefined;
  'settle-timeout'?: string | undefined;
  metrics?: string | undefined;
  json?: boolean | undefined;
  quiet?: boolean | undefined;
  },
  npmStartAddresses = true,
): SimulateOptions => {
  const scale = values.scale ?? 'small';
  if (!Object.hasOwn(SCALES, scale)) throw new UsageError(`--scale: one of ${Object.keys(SCALES).join(', ')}, got ${scale}`);
  if (values.orders !== undefined && values.scale !== undefined) throw new UsageError('--orders and --scale: give one or the other');
  const idPrefix = values['id-prefix'];
  if (idPrefix !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,23}$/.test(idPrefix)) {
    throw new UsageError('--id-prefix: 1-24 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  const orders = values.orders === undefined ? SCALES[scale as ScaleName] : integer('orders', values.orders, 0, 1, 1_000_000);
  return {
    seed: integer('seed', values.seed, 1, 0, 0xffff_ffff),
    scale: values.orders === undefined ? (scale as ScaleName) : 'custom',
    orders,
    concurrency: integer('concurrency', values.concurrency, 16, 1, 256),
    idPrefix,
    // The services' timers and consumers catch up in time proportional to the load.
    settleTimeoutMs: integer('settle-timeout', values['settle-timeout'], Math.max(60, Math.ceil(orders / 100)), 1, 3_600) * 1_000,
    metrics: values.metrics === undefined && !npmStartAddresses ? undefined : parseMetricsOption(values.metrics),
    json: values.json ?? false,
    quiet: values.quiet ?? false,
  };
};

/** Refuses to start unless every service answers health SERVING. */
const requireHealthyPlatform = async (addresses: PlatformAddresses, transport: ClientTransport): Promise<void> => {
  const results = await checkPlatformHealth(addresses, transport);
  const down = results.filter((r) => r.status !== 'SERVING');
  if (down.length > 0) {
    throw new SimulationAborted(
      `the platform is not ready:\n${down.map((r) => `  ${r.service} at ${r.address}: ${r.status}`).join('\n')}\n` +
        `Start it with "npm start" (or pass the addresses with ${SERVICE_NAMES.map((name) => `--${name}`).join(', ')}).`,
    );
  }
};

/**
 * A seed's ids are fixed, and the platform keeps the first answer per request id: a second run of
 * a seed on the same platform would be refused call by call. Say so up front instead.
 */
const refuseRerun = async (clients: PlatformClients, scenario: Scenario): Promise<void> => {
  const probes: [string, () => Promise<unknown>][] = [];
  const product = scenario.products[0];
  const order = scenario.orders[0];
  if (product) probes.push([`product ${product.productId}`, () => clients.productQuality.getProduct({ productId: product.productId })]);
  if (order) probes.push([`order ${order.orderId}`, () => clients.consumerExperience.getOrder({ orderId: order.orderId })]);
  for (const [what, probe] of probes) {
    try {
      await probe();
    } catch (error) {
      const details = readErrorDetails(error);
      if (details?.codeName === 'NOT_FOUND') continue;
      if (details?.codeName === 'UNIMPLEMENTED') throw new SimulationAborted(`the platform is not complete yet: ${details.message}`);
      throw error;
    }
    throw new SimulationAborted(
      `this platform already holds ${what} from a run of seed ${scenario.seed} under the id prefix "${scenario.prefix}".\n` +
        'Simulate against a fresh platform, or pass --id-prefix to simulate another marketplace alongside it.',
    );
  }
};

/** The metrics reader when every endpoint answers now; otherwise settling goes by the figures (and says so). */
const readableActivity = async (endpoints: Record<string, string>, progress: Progress): Promise<ReadPlatformActivity | undefined> => {
  const read = platformActivityFromMetrics(endpoints);
  try {
    await read();
    return read;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    progress.note(`the services' metrics could not be read (${cause ?? (error as Error).message}); settling waits for the figures to stay unchanged instead`);
    return undefined;
  }
};

export const runSimulate = async (
  options: SimulateOptions,
  clients: PlatformClients,
  addresses: PlatformAddresses,
  io: { stderr: ProgressStream; /** How the health check reaches the services (the clients' transport). */ transport?: ClientTransport } = { stderr: process.stderr },
): Promise<{ summary: SimulationSummary; text: string }> => {
  const scenario = generateScenario({ seed: options.seed, orders: options.orders, ...(options.idPrefix ? { idPrefix: options.idPrefix } : {}) });
  await requireHealthyPlatform(addresses, io.transport ?? { mode: 'plaintext' });
  await refuseRerun(clients, scenario);
  const tally = new Tally();
  const progress = options.quiet ? silentProgress : createProgress(io.stderr, estimateCalls(scenario));
  const platformActivity = options.metrics ? await readableActivity(options.metrics, progress) : undefined;
  const started = Date.now();
  const executor = new Executor(scenario, { clients, concurrency: options.concurrency, progress, tally, settleTimeoutMs: options.settleTimeoutMs, platformActivity });
  let settle: { settled: boolean; waitedMs: number };
  try {
    settle = await executor.run();
  } catch (error) {
    if (!(error instanceof SimulationAborted)) throw error;
    throw new SimulationAborted(`${error.message}\n(stopped in phase "${executor.phase}" after ${executor.calls} calls)`);
  } finally {
    progress.done();
  }
  const summary = buildSummary(tally, {
    seed: options.seed,
    scale: options.scale,
    ordersPlanned: scenario.orders.length,
    idPrefix: scenario.prefix,
    durationMs: Date.now() - started,
    calls: executor.calls,
    concurrency: options.concurrency,
    settle,
    phases: executor.phases,
  });
  return { summary, text: renderSummary(tally, summary) };
};
