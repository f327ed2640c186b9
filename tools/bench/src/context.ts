import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationStatus } from '@govern/contracts-merchant-access';
import { ListingDecision } from '@govern/contracts-product-quality';
import { fromRun } from './floors/floors';
import type { Measurement } from './goals';
import { forEachConcurrently, type LoadRun } from './load';
import { formatMachineCpu, machineCpuSplit, sampleMachineCpu } from './machine-cpu';
import { applicationInput, listingRequest, productOf, type ProductRef } from './platform/marketplace';
import type { Platform, ServiceError, ServiceName } from './platform/platform';
import type { Scale } from './scale';

/** What the paths of one run share: the platform, the size, the figures so far and the fixtures. */
export interface BenchContext {
  platform: Platform;
  scale: Scale;
  measurements: Measurement[];
  fixtures: Fixtures;
  progress(message: string): void;
}

/** Merchants, products and orders made by earlier paths, which later paths build on. */
export interface Fixtures {
  merchants: string[];
  products: ProductRef[];
  /** Paid, undispatched orders no after-sale has used yet. */
  orders: { orderId: string; buyerId: string; product: ProductRef }[];
  /** Next unused application seed (identities must never repeat within a run). */
  seed: number;
}

export const newFixtures = (): Fixtures => ({ merchants: [], products: [], orders: [], seed: 1 });

/** Polls `check` until it returns a value or the bound passes (then undefined). */
export const waitFor = async <T>(check: () => Promise<T | undefined>, boundMs: number, everyMs = 200): Promise<T | undefined> => {
  const started = performance.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() - started > boundMs) return undefined;
    await sleep(everyMs);
  }
};

const countIn = async (ctx: BenchContext, service: ServiceName, sql: string, params: unknown[]): Promise<number> => {
  const { rows } = await ctx.platform.sql[service].query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
};

/** Waits until product-quality and consumer-experience have heard that these merchants were onboarded. */
export const waitMerchantsKnown = async (ctx: BenchContext, merchantIds: readonly string[], boundMs = 60_000): Promise<boolean> => {
  const known = await waitFor(async () => {
    const [pq, cx] = await Promise.all([
      countIn(ctx, 'product-quality', `SELECT count(*) AS n FROM merchants WHERE merchant_id = ANY($1::text[])`, [merchantIds]),
      countIn(ctx, 'consumer-experience', `SELECT count(*) AS n FROM merchant_standings WHERE merchant_id = ANY($1::text[])`, [merchantIds]),
    ]);
    return pq === merchantIds.length && cx === merchantIds.length ? true : undefined;
  }, boundMs);
  return known === true;
};

/** Waits until content has heard of these products' approval (it refuses links to products it does not know). */
export const waitProductsKnownToContent = async (ctx: BenchContext, productIds: readonly string[], boundMs = 60_000): Promise<boolean> =>
  (await waitFor(
    async () =>
      (await countIn(ctx, 'content', `SELECT count(*) AS n FROM known_products WHERE product_id = ANY($1::text[])`, [productIds])) === productIds.length ? true : undefined,
    boundMs,
  )) === true;

export interface OnboardedMerchant {
  merchantId: string;
  /** 0: no quota. */
  listingQuota: number;
  /** The deposit the onboarding decision requires. */
  depositFen: bigint;
}

/** Onboards `count` clean merchants through SubmitApplication (not measured) and waits until the others know them. */
export const onboardMerchants = async (ctx: BenchContext, count: number, options: { restricted?: boolean } = {}): Promise<OnboardedMerchant[]> => {
  const made: OnboardedMerchant[] = [];
  const first = ctx.fixtures.seed;
  ctx.fixtures.seed += count;
  await forEachConcurrently(count, 16, async (i) => {
    const { application, merchant } = await ctx.platform.clients.merchantAccess.submitApplication({
      requestId: `bench-fixture-apply-${first + i}`,
      application: applicationInput(first + i, options),
    });
    if (application?.status !== ApplicationStatus.APPLICATION_STATUS_APPROVED || !merchant) throw new Error(`fixture applicant ${first + i} was not approved: ${JSON.stringify(application?.decision?.reasons.map((r) => r.code))}`);
    const restrictions = application.decision?.restrictions;
    made.push({ merchantId: merchant.merchantId, listingQuota: restrictions?.listingQuota ?? 0, depositFen: restrictions?.depositFen ?? 0n });
  });
  if (!(await waitMerchantsKnown(ctx, made.map((m) => m.merchantId)))) throw new Error('onboarded merchants did not reach product-quality and consumer-experience within 60 s');
  return made;
};

/** Lists one approved product for a merchant (not measured). */
export const listProduct = async (ctx: BenchContext, key: string, merchantId: string): Promise<ProductRef> => {
  const request = listingRequest(key, merchantId, 0);
  const decision = await ctx.platform.clients.productQuality.evaluateListing(request);
  if (decision.decision !== ListingDecision.LISTING_DECISION_APPROVED) throw new Error(`fixture listing ${key} was rejected: ${decision.reasons.map((r) => r.code).join(', ')}`);
  return productOf(request);
};

/** Makes sure earlier paths left at least `merchants` merchants and `products` products (when run with --only). */
export const ensureFixtures = async (ctx: BenchContext, need: { merchants?: number; products?: number }): Promise<void> => {
  const missingMerchants = (need.merchants ?? 0) - ctx.fixtures.merchants.length;
  if (missingMerchants > 0) ctx.fixtures.merchants.push(...(await onboardMerchants(ctx, missingMerchants)).map((m) => m.merchantId));
  const missingProducts = (need.products ?? 0) - ctx.fixtures.products.length;
  if (missingProducts > 0) {
    const base = ctx.fixtures.products.length;
    await forEachConcurrently(missingProducts, 16, async (i) => {
      const merchantId = ctx.fixtures.merchants[(base + i) % ctx.fixtures.merchants.length] as string;
      ctx.fixtures.products.push(await listProduct(ctx, `fixture-${base + i}`, merchantId));
    });
  }
};

/**
 * Runs a measured load and turns it into a row, with each named service's CPU time per completed
 * call (read from /proc): where a path spends its time, next to how fast it is.
 */
export const measure = async (
  ctx: BenchContext,
  row: { id: string; label: string; unit?: string; services: readonly ServiceName[]; notes?: string[] },
  /** `markStart`: call it when the warm-up is over (closedLoop's `onMeasureStart`), so the CPU per call counts measured calls only. */
  run: (markStart: () => void) => Promise<LoadRun>,
): Promise<Measurement> => {
  ctx.progress(row.label);
  const errorMark = ctx.platform.errorCount();
  let before = ctx.platform.cpuMs();
  let client = process.cpuUsage();
  let machine = sampleMachineCpu();
  let startedAt = performance.now();
  const markStart = (): void => {
    before = ctx.platform.cpuMs();
    client = process.cpuUsage();
    machine = sampleMachineCpu();
    startedAt = performance.now();
  };
  const result = await run(markStart);
  const after = ctx.platform.cpuMs();
  const clientCpu = process.cpuUsage(client);
  const machineAfter = sampleMachineCpu();
  const elapsedMs = performance.now() - startedAt;
  const calls = Math.max(1, result.calls + result.errors);
  const usedBy = (s: ServiceName): number => (after[s] ?? Number.NaN) - (before[s] ?? Number.NaN);
  // The row's own services first, then every other service that worked for it (its events'
  // consumers, their relays): a write's cost is not only the service called.
  const others = (Object.keys(after) as ServiceName[]).filter((s) => !row.services.includes(s) && usedBy(s) / calls >= 0.01);
  const cpu = [...row.services, ...others].map((s) => `${s} ${(usedBy(s) / calls).toFixed(2)}`);
  const clientMs = (clientCpu.user + clientCpu.system) / 1000;
  const allServicesMs = (Object.keys(after) as ServiceName[]).reduce((sum, s) => sum + (Number.isFinite(usedBy(s)) ? usedBy(s) : 0), 0);
  const split = machine && machineAfter ? machineCpuSplit(machine, machineAfter, elapsedMs, calls, [{ label: 'services', ms: allServicesMs, services: true }, { label: 'bench client', ms: clientMs }]) : undefined;
  const measurement = fromRun(row.id, row.label, row.unit ?? 'calls/s', result, [
    ...(row.notes ?? []),
    `CPU ms/call: ${cpu.join(', ')}, bench client ${(clientMs / calls).toFixed(2)}`,
    ...(split ? [formatMachineCpu(split)] : []),
    ...summarizeErrors(ctx.platform.errorsSince(errorMark)),
  ]);
  if (split) measurement.machine = split;
  ctx.measurements.push(measurement);
  return measurement;
};

/** "service logged n× message" for the most frequent error lines of a row. */
export const summarizeErrors = (errors: readonly ServiceError[], top = 3): string[] => {
  const byText = new Map<string, number>();
  // A failed call's access-log line repeats what the error line above it said.
  for (const e of errors) if (!e.text.startsWith('rpc finished')) byText.set(`${e.service}: ${e.text}`, (byText.get(`${e.service}: ${e.text}`) ?? 0) + 1);
  return [...byText]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([text, n]) => `${n}× logged by ${text}`);
};

/** Records a row that could not be measured, with why, and carries on with the next path. */
export const failedRow = (ctx: BenchContext, id: string, label: string, error: unknown): void => {
  const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
  ctx.progress(`${label}: FAILED ${message}`);
  ctx.measurements.push({ id, label, unit: 'calls/s', failed: message.slice(0, 300) });
};
