/**
 * What every step of a run shares: the clients, the tally and progress, the call discipline
 * (refusals counted, fatal codes stop the run, "not known yet" repeated until the event lands),
 * the lanes that bound the calls in flight, the phases, and the run-time facts later phases
 * depend on (merchant ids, what went on sale, what was banned, removed, posted, recorded).
 * The steps of each area (merchants.ts, content.ts, inspections.ts, buyers.ts, settle.ts) take it.
 */
import type { PlatformClients } from '@govern/platform-clients';
import { readErrorDetails, type GrpcErrorDetails } from '@govern/platform-grpc';
import type { Progress } from '../progress';
import type { OrderPlan, ProductPlan, Scenario, VideoPlan } from '../scenario';
import type { Tally } from '../summary';
import type { ReadPlatformActivity } from './platform-activity';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A failure that stops the run: a service unreachable, an RPC not implemented, a bug. */
export class SimulationAborted extends Error {}

export interface ExecutorOptions {
  clients: PlatformClients;
  concurrency: number;
  progress: Progress;
  tally: Tally;
  /** Longest wait for the platform to settle (events between services) at the end of the run. */
  settleTimeoutMs: number;
  /** How long figures must stay unchanged to count as settled (when the services' metrics are not at hand). */
  quietMs?: number;
  /** What the services' metrics say is in flight: settling ends once nothing is (see settle.ts). */
  platformActivity?: ReadPlatformActivity | undefined;
  /** Longest wait for an event another service needs (a product approved, reaching content). */
  propagationTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: GrpcErrorDetails };

/** Codes after which going on makes no sense: the platform is not there or not complete. */
export const FATAL_CODES = new Set(['UNAVAILABLE', 'UNIMPLEMENTED', 'UNAUTHENTICATED', 'PERMISSION_DENIED']);

export const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
};

/** content learns approved products from product-quality's events: until then it answers this. */
export const PRODUCT_NOT_YET_KNOWN = ['CONTENT.UNKNOWN_PRODUCT'];
/**
 * The refusals after which a listing is sent again. product-quality learns merchants from
 * merchant-access's events: until then it refuses their listings, recording nothing; an onboarding
 * (with a listing quota) that arrives while a listing is being gated refuses it the same way, as
 * ABORTED.
 */
export const LISTING_SENT_AGAIN = ['LISTING.MERCHANT_NOT_YET_KNOWN', 'LISTING.MERCHANT_CHANGED_CONCURRENTLY'];

export class RunContext {
  readonly clients: PlatformClients;
  readonly progress: Progress;
  readonly tally: Tally;
  readonly sleep: (ms: number) => Promise<void>;
  /** How settling sees work in flight; dropped when the metrics cannot be read (settling then waits for quiet figures). */
  platformActivity: ReadPlatformActivity | undefined;
  fatal: SimulationAborted | undefined;
  calls = 0;
  /** Wall time and calls of each phase, in run order. */
  readonly phases: { name: string; ms: number; calls: number }[] = [];
  /** The phase running (or that stopped the run). */
  phase = 'starting';

  /** Run-time facts the later phases depend on. */
  readonly merchantIds = new Map<string, string>();
  readonly onSale = new Set<string>();
  readonly banned = new Set<string>();
  readonly removed = new Set<string>();
  readonly posted = new Set<string>();
  readonly recordedOrders = new Set<string>();
  /** Latest dispatch deadline of an on-time order: the figures count it once it has passed. */
  lastDueAt = 0;
  readonly productByKey: Map<string, ProductPlan>;
  readonly productKeyById: Map<string, string>;
  readonly videoByKey: Map<string, VideoPlan>;
  readonly orderByKey: Map<string, OrderPlan>;
  readonly creatorIdByKey: Map<string, string>;

  constructor(
    readonly scenario: Scenario,
    readonly options: ExecutorOptions,
  ) {
    this.clients = options.clients;
    this.progress = options.progress;
    this.tally = options.tally;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.platformActivity = options.platformActivity;
    this.productByKey = new Map(scenario.products.map((p) => [p.key, p]));
    this.productKeyById = new Map(scenario.products.map((p) => [p.productId, p.key]));
    this.videoByKey = new Map(scenario.videos.map((v) => [v.key, v]));
    this.orderByKey = new Map(scenario.orders.map((o) => [o.key, o]));
    this.creatorIdByKey = new Map(scenario.creators.map((c) => [c.key, c.creatorId]));
  }

  rid(rpc: string, key: string, step?: string | number): string {
    return `${this.scenario.prefix}/${rpc}/${key}${step === undefined ? '' : `/${step}`}`;
  }

  /**
   * One call: counted, refusals tallied, fatal codes stop the run. A refusal whose reason is in
   * `untilKnown` means an event has not reached the service yet (nothing was recorded): the call
   * is repeated, with the same request id, until it lands or `propagationTimeoutMs` passes.
   */
  async call<T>(rpc: string, send: () => Promise<T>, untilKnown: readonly string[] = []): Promise<Outcome<T>> {
    const deadline = Date.now() + (this.options.propagationTimeoutMs ?? 30_000);
    for (;;) {
      const outcome = await this.attempt(rpc, send);
      if (outcome.ok || !untilKnown.includes(outcome.error.reason ?? '') || Date.now() > deadline) {
        if (!outcome.ok) this.tally.error(rpc, outcome.error.codeName, outcome.error.reason);
        return outcome;
      }
      await this.sleep(200);
    }
  }

  private async attempt<T>(rpc: string, send: () => Promise<T>): Promise<Outcome<T>> {
    if (this.fatal) throw this.fatal;
    try {
      const value = await send();
      return { ok: true, value };
    } catch (error) {
      const details = readErrorDetails(error);
      if (!details) throw error;
      if (FATAL_CODES.has(details.codeName)) {
        const hint = details.codeName === 'UNAVAILABLE' ? ' (is the platform running at the given addresses?)' : '';
        this.fatal ??= new SimulationAborted(`${rpc} failed with ${details.codeName}: ${details.message}${hint}`);
        throw this.fatal;
      }
      return { ok: false, error: details };
    } finally {
      this.calls++;
      this.progress.tick();
    }
  }

  /** Runs lanes with at most `concurrency` of them (so calls) at once; stops at the first fatal error. */
  async lanes<T>(phase: string, items: readonly T[], lane: (item: T) => Promise<void>): Promise<void> {
    const end = this.startPhase(phase);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!this.fatal && next < items.length) {
        const item = items[next++] as T;
        try {
          await lane(item);
        } catch (error) {
          this.fatal ??= error instanceof SimulationAborted ? error : new SimulationAborted(`${phase}: ${(error as Error).stack ?? String(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.options.concurrency, items.length)) }, worker));
    end();
    if (this.fatal) throw this.fatal;
  }

  /** Announces a phase; the returned function records its time and calls (phases of one name add up). */
  startPhase(name: string): () => void {
    this.progress.phase(name);
    this.phase = name;
    const started = Date.now();
    const calls = this.calls;
    return () => {
      const known = this.phases.find((p) => p.name === name);
      if (known) {
        known.ms += Date.now() - started;
        known.calls += this.calls - calls;
      } else this.phases.push({ name, ms: Date.now() - started, calls: this.calls - calls });
    };
  }

}
