import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import { ListingApproved, ListingApprovedEvent, ListingDecision, ProductBannedEvent } from '@govern/contracts-product-quality';
// The channel a service's outbox relay listens on for other replicas' backlog.
import { OUTBOX_CHANNEL } from '@govern/platform-events';
import { failedRow, listProduct, onboardMerchants, waitFor, waitProductsKnownToContent, type BenchContext } from '../context';
import { fromRun } from '../floors/floors';
import { offeredRate } from '../goals';
import { openLoop } from '../load';
import { formatMachineCpu, machineCpuSplit, sampleMachineCpu } from '../machine-cpu';
import { listingRequest, productOf } from '../platform/marketplace';
import type { ServiceName } from '../platform/platform';
import { cloneRows } from '../platform/seed';
import { summarize } from '../stats';
import pg from 'pg';

/**
 * Events end to end: committed in product-quality (its outbox), relayed to JetStream, handled by
 * content's consumer (its inbox row). "Handled" is the inbox row's processed_at, the start of the
 * consumer's transaction for that event; "committed" is when the producing call returned.
 */

const CATALOGUE_CONSUMER = 'content_product_catalogue';
type CpuSample = Partial<Record<ServiceName, number | undefined>>;

/** A service's CPU (ms) between two samples; undefined when it was not running. */
const cpuUsedBy = (before: CpuSample, after: CpuSample, service: ServiceName): number | undefined => {
  const [from, to] = [before[service], after[service]];
  return from === undefined || to === undefined ? undefined : to - from;
};

/** "product-quality 0.21, content 0.25": the producer's and the consumer's CPU per event. */
const producerAndConsumerCpu = (before: CpuSample, after: CpuSample, events: number): string[] =>
  (['product-quality', 'content'] as const).flatMap((service) => {
    const used = cpuUsedBy(before, after, service);
    return used === undefined ? [] : [`${service} ${(used / events).toFixed(2)}`];
  });

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with PostgreSQL timestamps). */
const wallNow = (): number => performance.timeOrigin + performance.now();

/**
 * Latency at a given rate: EvaluateListing approvals offered at the goal's rate; each approval's
 * ListingApproved is found in product-quality's outbox (by product id) and in content's inbox.
 */
export const eventsPacedPath = async (ctx: BenchContext): Promise<void> => {
  const id = 'events.paced';
  const label = 'ListingApproved: product-quality commit → content handled, paced';
  const rate = offeredRate(id, ctx.measurements);
  if (rate === undefined) return failedRow(ctx, id, label, new Error('no offered rate'));
  try {
    const merchants = (await onboardMerchants(ctx, 16)).map((m) => m.merchantId);
    const committedAt = new Map<string, number>();
    ctx.progress(label);
    const run = await openLoop({
      perSecond: rate,
      durationMs: ctx.scale.pacedMs,
      maxInFlight: 64,
      firstIndex: 0,
      async call(i) {
        const request = listingRequest(`ev-${i}`, merchants[i % merchants.length] as string, i);
        const decision = await ctx.platform.clients.productQuality.evaluateListing(request);
        if (decision.decision !== ListingDecision.LISTING_DECISION_APPROVED) throw new Error('rejected');
        committedAt.set(productOf(request).productId, wallNow());
      },
    });
    await ctx.platform.quiesce(120_000);
    const { rows: outbox } = await ctx.platform.sql['product-quality'].query<{ event_id: string; payload: Buffer }>(
      `SELECT event_id, payload FROM outbox_events WHERE event_type = $1`,
      [ListingApprovedEvent.typeName],
    );
    const eventOf = new Map<string, string>();
    for (const row of outbox) {
      const productId = ListingApprovedEvent.codec.decode(new Uint8Array(row.payload)).productId;
      if (committedAt.has(productId)) eventOf.set(row.event_id, productId);
    }
    const { rows: inbox } = await ctx.platform.sql.content.query<{ event_id: string; at: number }>(
      `SELECT event_id, extract(epoch FROM processed_at) * 1000 AS at FROM inbox_events WHERE consumer = $1 AND event_id = ANY($2::text[])`,
      [CATALOGUE_CONSUMER, [...eventOf.keys()]],
    );
    const latencies = inbox.map((r) => Number(r.at) - (committedAt.get(eventOf.get(r.event_id) as string) as number));
    const handled = summarize(latencies, Math.max(ctx.scale.pacedMs, run.elapsedMs));
    ctx.measurements.push({
      ...fromRun(id, label, 'events/s', { ...run, ...handled, calls: handled.calls }),
      notes: [
        `calls committed ${run.calls} (${run.rate.toFixed(0)}/s), call p99 ${run.p99Ms.toFixed(0)} ms; events handled ${inbox.length} of ${committedAt.size}`,
        ...(run.notStarted ? [`${run.notStarted} due calls never started (product-quality slower than the offered rate)`] : []),
        ...(run.errors ? [`${run.errors} failed calls`] : []),
      ],
    });
  } catch (error) {
    failedRow(ctx, id, label, error);
  }
};

/** How often the bench wakes product-quality's relay while it writes rows the service did not write itself. */
const RELAY_WAKE_MS = 5;

/**
 * The pipeline alone at the goal's rate: ListingApproved rows committed straight into
 * product-quality's outbox at 1,000/s, one per transaction as a write would, then relayed by
 * product-quality's relay and handled by content's consumer, both services running as they do for
 * any write. The row above cannot show this: it goes through EvaluateListing, which cannot produce
 * 1,000 approvals a second here. A service's relay is woken by its own commits; rows written from
 * outside wake it through the channel on which other replicas announce a backlog, which the bench
 * notifies every 5 ms while it writes (so up to 5 ms of each latency is that wait).
 */
export const eventsPipelinePath = async (ctx: BenchContext): Promise<void> => {
  const id = 'events.pipeline';
  const label = "ListingApproved written to product-quality's outbox → content handled, paced";
  const rate = offeredRate(id, ctx.measurements);
  if (rate === undefined) return failedRow(ctx, id, label, new Error('no offered rate'));
  // Eight connections for the rows, one for the relay's wake-ups.
  const writer = new pg.Pool({ ...ctx.platform.sql['product-quality'].options, max: 9 });
  writer.on('error', () => undefined);
  let waking: NodeJS.Timeout | undefined;
  let waker: pg.PoolClient | undefined;
  let notifying: Promise<void> | undefined;
  try {
    const merchants = (await onboardMerchants(ctx, 16)).map((m) => m.merchantId);
    const committedAt = new Map<string, number>();
    const cpuBefore = ctx.platform.cpuMs();
    ctx.progress(label);
    // On a connection of its own, one NOTIFY at a time: queued behind the inserts (or piling up
    // behind each other) they would slow the writer they are meant to follow.
    waker = await writer.connect();
    const wakerClient = waker;
    waking = setInterval(() => {
      if (notifying) return;
      notifying = wakerClient
        .query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`)
        .then(() => undefined, () => undefined)
        .finally(() => (notifying = undefined));
    }, RELAY_WAKE_MS);
    const run = await openLoop({
      perSecond: rate,
      durationMs: ctx.scale.pacedMs,
      maxInFlight: 64,
      firstIndex: 0,
      async call(i) {
        const eventId = randomUUID();
        const occurredAt = new Date();
        const merchantId = merchants[i % merchants.length] as string;
        const payload = ListingApprovedEvent.codec
          .encode(
            ListingApproved.fromPartial({
              meta: { eventId, occurredAt, causationId: `bench-pipeline-${i}`, correlationId: `bench-pipeline-${i}` },
              listingId: `pl-${i}-${eventId}`,
              productId: `pp-${i}-${eventId}`,
              merchantId,
              skuId: `ps-${i}-${eventId}`,
              categoryCode: 'bench',
            }),
          )
          .finish();
        await writer.query(`INSERT INTO outbox_events (event_id, subject, event_type, payload, occurred_at) VALUES ($1, $2, $3, $4, $5)`, [
          eventId,
          ListingApprovedEvent.subject,
          ListingApprovedEvent.typeName,
          Buffer.from(payload),
          occurredAt,
        ]);
        committedAt.set(eventId, wallNow());
      },
    });
    const handled = await waitFor(async () => {
      const { rows } = await ctx.platform.sql.content.query<{ event_id: string; at: number }>(
        `SELECT event_id, extract(epoch FROM processed_at) * 1000 AS at FROM inbox_events WHERE consumer = $1 AND event_id = ANY($2::text[])`,
        [CATALOGUE_CONSUMER, [...committedAt.keys()]],
      );
      return rows.length >= committedAt.size ? rows : undefined;
    }, 120_000, 250);
    clearInterval(waking);
    if (!handled) throw new Error(`content did not handle all ${committedAt.size} events within 120 s`);
    const cpuAfter = ctx.platform.cpuMs();
    const cpuPerEvent = producerAndConsumerCpu(cpuBefore, cpuAfter, handled.length);
    const latencies = handled.map((r) => Number(r.at) - (committedAt.get(r.event_id) as number));
    const summary = summarize(latencies, Math.max(ctx.scale.pacedMs, run.elapsedMs));
    ctx.measurements.push({
      ...fromRun(id, label, 'events/s', { ...run, ...summary, calls: summary.calls }),
      notes: [
        `rows committed ${run.calls} (${run.rate.toFixed(0)}/s), insert p99 ${run.p99Ms.toFixed(1)} ms; events handled ${handled.length} of ${committedAt.size}; the relay woken every ${RELAY_WAKE_MS} ms`,
        ...(cpuPerEvent.length > 0 ? [`CPU ms/event (first row → last handled): ${cpuPerEvent.join(', ')}`] : []),
        ...(run.notStarted ? [`${run.notStarted} due rows never started (the bench's writer slower than the offered rate)`] : []),
        ...(run.errors ? [`${run.errors} failed inserts`] : []),
      ],
    });
  } catch (error) {
    failedRow(ctx, id, label, error);
  } finally {
    clearInterval(waking);
    await notifying;
    waker?.release();
    await writer.end().catch(() => undefined);
  }
  await ctx.platform.quiesce(120_000);
};

/**
 * Throughput with a backlog: a merchant with N products (one listed through the API, the rest
 * cloned from it in product-quality's database) is removed; product-quality bans them all, one
 * ProductBanned each, and content handles every one. The rate is content's handling rate from its
 * first ProductBanned to its last.
 */
export const eventsBurstPath = async (ctx: BenchContext): Promise<void> => {
  const id = 'events.burst';
  const label = `ProductBanned burst (${ctx.scale.burstEvents.toLocaleString('en-US')}): product-quality → content`;
  try {
    const [merchant] = await onboardMerchants(ctx, 1);
    const merchantId = merchant?.merchantId as string;
    const template = await listProduct(ctx, 'burst-template', merchantId);
    const pq = ctx.platform.sql['product-quality'];
    const count = ctx.scale.burstEvents - 1;
    const key = `'burst-' || g`;
    await cloneRows(pq, 'products', { where: 't.product_id = $1', params: [template.productId] }, count, { product_id: `'bp-' || ${key}`, sku_id: `'bs-' || ${key}` });
    await cloneRows(pq, 'listings', { where: 't.product_id = $1', params: [template.productId] }, count, {
      listing_id: `'bl-' || ${key}`,
      product_id: `'bp-' || ${key}`,
      sku_id: `'bs-' || ${key}`,
      title_fingerprint: `'tf-' || ${key}`,
    });
    await pq.query('ANALYZE products; ANALYZE listings');
    await waitProductsKnownToContent(ctx, [template.productId]);
    ctx.progress(label);
    // The services' CPU from the removal to the last event handled: per event, steadier than the rate on a shared machine.
    const cpuBefore = ctx.platform.cpuMs();
    // The whole machine's too (PostgreSQL, NATS, the bench's polling): what an event costs end to end.
    const machineBefore = sampleMachineCpu();
    const clientBefore = process.cpuUsage();
    const triggeredAt = wallNow();
    const removal = await ctx.platform.clients.merchantAccess.recordViolation({
      requestId: `bench-burst-removal-${merchantId}`,
      merchantId,
      type: ViolationType.VIOLATION_TYPE_COUNTERFEIT,
      occurredAt: undefined,
      source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
      sourceRef: 'bench-burst',
      productId: template.productId,
      description: 'Counterfeit goods confirmed by the brand owner (benchmark).',
      evidence: {},
    });
    if (!removal.removed) throw new Error('the counterfeit violation did not remove the merchant');
    const query = `SELECT count(*)::int AS n, extract(epoch FROM min(processed_at)) * 1000 AS first, extract(epoch FROM max(processed_at)) * 1000 AS last
                     FROM inbox_events WHERE consumer = $1 AND subject = $2 AND processed_at >= to_timestamp($3 / 1000.0)`;
    const done = await waitFor(async () => {
      const { rows } = await ctx.platform.sql.content.query<{ n: number; first: number; last: number }>(query, [CATALOGUE_CONSUMER, ProductBannedEvent.subject, triggeredAt - 1_000]);
      const row = rows[0];
      return row && row.n >= ctx.scale.burstEvents ? row : undefined;
    }, 600_000, 250);
    if (!done) throw new Error(`content did not handle ${ctx.scale.burstEvents} ProductBanned events within 10 minutes`);
    const spanMs = Number(done.last) - Number(done.first);
    const cpuAfter = ctx.platform.cpuMs();
    const machineAfter = sampleMachineCpu();
    const client = process.cpuUsage(clientBefore);
    const cpuPerEvent = producerAndConsumerCpu(cpuBefore, cpuAfter, done.n);
    const servicesMs = (Object.keys(cpuAfter) as ServiceName[]).reduce((sum, service) => sum + (cpuUsedBy(cpuBefore, cpuAfter, service) ?? 0), 0);
    const split =
      machineBefore && machineAfter
        ? machineCpuSplit(machineBefore, machineAfter, wallNow() - triggeredAt, done.n, [
            { label: 'services', ms: servicesMs, services: true },
            { label: 'bench client', ms: (client.user + client.system) / 1000 },
          ])
        : undefined;
    ctx.measurements.push({
      id,
      label,
      unit: 'events/s',
      rate: spanMs > 0 ? ((done.n - 1) * 1000) / spanMs : Number.NaN,
      calls: done.n,
      notes: [
        `content handled ${done.n} events in ${(spanMs / 1000).toFixed(1)} s (first to last); removal call → last handled ${((Number(done.last) - triggeredAt) / 1000).toFixed(1)} s`,
        ...(cpuPerEvent.length > 0 ? [`CPU ms/event (removal call → last handled): ${cpuPerEvent.join(', ')}`] : []),
        ...(split ? [formatMachineCpu(split, 'event')] : []),
      ],
      ...(split ? { machine: split } : {}),
    });
  } catch (error) {
    failedRow(ctx, id, label, error);
  }
  await ctx.platform.quiesce(120_000);
};
