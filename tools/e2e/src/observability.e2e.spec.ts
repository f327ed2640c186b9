import { CompensationCause } from '@govern/contracts-consumer-experience';
import { DefectClass, LabVerdict } from '@govern/contracts-product-quality';
import { devTokenProviderByPolicy, SERVICE_POLICIES, PolicyTable } from '@govern/platform-auth';
import { connectPlatform, type PlatformClients } from '@govern/platform-clients';
import {
  collectedSpanOf,
  exposedSeriesNames,
  METRICS,
  parseExposition,
  sampleValue,
  samplesOf,
  startTelemetry,
  type CollectedSpan,
  type ExpositionFamily,
  type MetricSpec,
  type Telemetry,
} from '@govern/platform-observability';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoursAgo, listProduct, onboardMerchant, recordOrder, type ListedProduct, type OnboardedMerchant } from './marketplace';
import { settle, SERVICE_NAMES, startPlatformProcesses, type PlatformUnderTest, type ServiceName } from './platform-processes';
import { metricNamesOfDeployFiles } from './deploy-metric-names';

/**
 * Issue 14 across processes: the four services run as separate processes exporting their spans
 * over OTLP to a collector stub of this test and serving /metrics. One cascade (a critical lab
 * failure → product banned → merchant points → buyers compensated) is started by one traced
 * call; it must be one trace from that call to the last consumer in another service, each
 * consumer's span a child of the span that wrote its event. Then each service's /metrics is
 * scraped and parsed: every series of the catalogue is there, the dashboard and alert files
 * name only series a running service has, and the counters moved with the cascade.
 */
const STEP_TIMEOUT_MS = 120_000;

let platform: PlatformUnderTest;
let caller: Telemetry;
let callerSpans: InMemorySpanExporter;
let traced: PlatformClients;
let merchant: OnboardedMerchant;
let product: ListedProduct;
const BUYERS = 3;
/** Scrapes taken before the cascade, to show the counters move. */
const before = {} as Record<ServiceName, Map<string, ExpositionFamily>>;

const scrape = async (service: ServiceName): Promise<{ text: string; families: Map<string, ExpositionFamily> }> => {
  const response = await fetch(platform.metricsUrls[service], { signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, families: parseExposition(text) };
};

/** Sum of a series over all its label sets (0 when absent). */
const total = (families: Map<string, ExpositionFamily>, name: string, labels: Record<string, string> = {}): number =>
  samplesOf(families, name, labels).reduce((sum, sample) => sum + (Number.isNaN(sample.value) ? 0 : sample.value), 0);

beforeAll(async () => {
  platform = await startPlatformProcesses({ collectSpans: true });
  callerSpans = new InMemorySpanExporter();
  caller = startTelemetry({ serviceName: 'e2e-caller', exporter: callerSpans });
  traced = connectPlatform(platform.addresses, { defaultDeadlineMs: 30_000, telemetry: caller, transport: platform.transport, token: devTokenProviderByPolicy(platform.pki.signingKeyFile, new PolicyTable(SERVICE_POLICIES), { personPrefix: 'e2e' }) });

  const cx = platform.clients.consumerExperience;
  await cx.contributeToFund({ requestId: 'obs-fund-capital', amountFen: 100_000_000n, paymentRef: 'obs-fund-capital' });
  merchant = await onboardMerchant(platform, 700);
  product = await listProduct(platform, { key: 'obs-kettle', merchantId: merchant.merchantId, title: 'Electric kettle 1.7 l stainless steel', priceFen: 12_900n });
  await cx.depositMerchantFunds({ requestId: 'obs-deposit', merchantId: merchant.merchantId, amountFen: merchant.depositFen, paymentRef: 'obs-bank-transfer' });
  for (let i = 0; i < BUYERS; i++) {
    await recordOrder(platform, { orderId: `obs-order-${i}`, buyerId: `obs-buyer-${i}`, product, paidAt: hoursAgo(3 + i) });
  }
  for (const service of SERVICE_NAMES) before[service] = (await scrape(service)).families;
}, 300_000);

afterAll(async () => {
  traced?.close();
  await platform?.stop();
}, 60_000);

describe('one cascade across the services', { timeout: STEP_TIMEOUT_MS }, () => {
  let trace: CollectedSpan[];
  let root: CollectedSpan;

  beforeAll(async () => {
    await traced.productQuality.recordLabResult({
      requestId: 'obs-lab-result',
      productId: product.productId,
      skuId: product.skuId,
      verdict: LabVerdict.LAB_VERDICT_FAIL,
      defects: [{ defectClass: DefectClass.DEFECT_CLASS_CRITICAL, code: 'LEAD_OVER_LIMIT', description: 'lead in the heating element solder' }],
      reportRef: 'CNAS-OBS-0001',
      labName: 'Zhejiang Product Quality Inspection Institute',
      testedAt: hoursAgo(1),
    });
    const rootSpan = callerSpans.getFinishedSpans().find((span) => span.name.endsWith('/RecordLabResult'));
    if (!rootSpan) throw new Error('the traced call made no CLIENT span');
    root = collectedSpanOf(rootSpan);

    await settle(
      'buyers compensated',
      async () => {
        const { compensations } = await platform.clients.consumerExperience.listCompensations({ merchantId: merchant.merchantId, cause: CompensationCause.COMPENSATION_CAUSE_FAILED_INSPECTION });
        return compensations.length >= BUYERS ? compensations : undefined;
      },
      60_000,
    );
    const collector = platform.collector;
    if (!collector) throw new Error('the platform was started without a span collector');
    // Each process exports on its own schedule: wait until the trace is whole — the compensating
    // consumer's span is in, and every span's parent has arrived too (under load, a producer's
    // batch can come after its consumer's).
    await collector.waitFor((spans) => {
      const ofTrace = spans.filter((s) => s.traceId === root.traceId);
      const ids = new Set([root.spanId, ...ofTrace.map((s) => s.spanId)]);
      const compensated = ofTrace.some((s) => s.service === 'consumer-experience' && s.kind === 'CONSUMER' && s.attributes['govern.event.type']?.toString().includes('Inspection'));
      const services = new Set(ofTrace.map((s) => s.service));
      const everyService = ['product-quality', 'merchant-access', 'consumer-experience'].every((service) => services.has(service));
      return compensated && everyService && ofTrace.every((s) => s.parentSpanId === undefined || ids.has(s.parentSpanId));
    },
      30_000,
    );
    trace = [root, ...collector.spans.filter((span) => span.traceId === root.traceId)];
  }, STEP_TIMEOUT_MS);

  it('is one trace from the first call through product-quality, merchant-access and consumer-experience', () => {
    const services = new Set(trace.map((span) => span.service));
    for (const service of ['e2e-caller', 'product-quality', 'merchant-access', 'consumer-experience']) expect(services).toContain(service);
    expect(root.kind).toBe('CLIENT');
    expect(root.parentSpanId).toBeUndefined();
    const server = trace.find((span) => span.service === 'product-quality' && span.kind === 'SERVER');
    expect(server).toMatchObject({ name: 'govern.product_quality.v1.ProductQualityService/RecordLabResult', parentSpanId: root.spanId });
    expect(server?.attributes['rpc.grpc.status_code']).toBe(0);
  });

  it('has its spans in causal order: every span but the first is a child of one in the trace that started before it', () => {
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    for (const span of trace) {
      if (span === root) continue;
      const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      expect(parent, `${span.service} ${span.name} has its parent in the trace`).toBeDefined();
      expect(parent && parent.startTimeUnixNano <= span.startTimeUnixNano, `${span.name} starts after ${parent?.name}`).toBe(true);
    }
  });

  it("makes each consumer's span a child of the span that wrote its event, in another service", () => {
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const consumers = trace.filter((span) => span.kind === 'CONSUMER');
    const inOtherServices = consumers.filter((span) => byId.get(span.parentSpanId ?? '')?.service !== span.service);
    expect(inOtherServices.map((span) => span.service)).toEqual(expect.arrayContaining(['merchant-access', 'consumer-experience']));
    for (const span of consumers) {
      const writer = byId.get(span.parentSpanId ?? '');
      // Events are written inside a call (SERVER) or inside the handling of an earlier event (CONSUMER), or by a job.
      expect(['SERVER', 'CONSUMER', 'INTERNAL']).toContain(writer?.kind);
      expect(span.name).toMatch(/^process govern\./);
      expect(span.attributes['messaging.system']).toBe('nats');
    }
    // The buyers' compensation: consumer-experience handling product-quality's inspection failure.
    const compensation = consumers.find((span) => span.service === 'consumer-experience' && byId.get(span.parentSpanId ?? '')?.service === 'product-quality');
    expect(compensation).toBeDefined();
  });

  it('names its trace in the lines logged while handling it, and every call or consumed-event line names one', () => {
    const lines = SERVICE_NAMES.flatMap((service) =>
      platform
        .logs(service)
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
    expect(lines.filter((line) => line['trace_id'] === root.traceId).length).toBeGreaterThan(0);
    // At LOG_LEVEL=info the services log little inside calls and events; whatever they did log there names its span.
    // (A consumer's lifecycle lines, e.g. waiting for its producer's stream at start, are outside any event: not these.)
    const inside = lines.filter((line) => line['msg'] === 'rpc finished' || typeof line['event_id'] === 'string');
    for (const line of inside) {
      expect(line['trace_id'], JSON.stringify(line).slice(0, 300)).toMatch(/^[0-9a-f]{32}$/);
      expect(line['span_id']).toMatch(/^[0-9a-f]{16}$/);
    }
  });
});

describe('the metrics endpoint of each running service', () => {
  it.each(SERVICE_NAMES)('%s serves every series of the catalogue, parseable by a Prometheus text-format parser', async (service) => {
    const { text, families } = await scrape(service);
    // A second, independent parser (the npm package) reads the same text.
    const parsed = parsePrometheusTextFormat(text);
    const names = new Set(parsed.map((family) => family.name));
    for (const spec of Object.values(METRICS) as MetricSpec[]) {
      expect(families.has(spec.name), `${service} exposes ${spec.name}`).toBe(true);
      expect(names.has(spec.name), `parse-prometheus-text-format reads ${spec.name}`).toBe(true);
    }
    expect(samplesOf(families, 'govern_db_pool_max_connections', { pool: 'main' })[0]?.value).toBeGreaterThan(0);
  });

  it('serves every series the committed dashboard and alert rules use', async () => {
    const exposed = new Set<string>(['up']);
    for (const service of SERVICE_NAMES) {
      for (const family of (await scrape(service)).families.values()) {
        exposed.add(family.name);
        for (const sample of family.samples) exposed.add(sample.name);
      }
    }
    // A labelled histogram has samples only once observed (no client calls here): its family is what a service always serves.
    const served = (name: string): boolean => exposed.has(name) || exposed.has(name.replace(/_(bucket|sum|count)$/, ''));
    for (const name of exposedSeriesNames()) expect(served(name), `${name} is served`).toBe(true);
    const used = metricNamesOfDeployFiles();
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(served(name), `${name} (used by deploy/observability) is served`).toBe(true);
  });

  it('moved with the cascade: calls, relayed events, consumed events and the consumers each service runs', async () => {
    const after = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (s) => [s, (await scrape(s)).families] as const))) as Record<ServiceName, Map<string, ExpositionFamily>>;
    const pq = { before: before['product-quality'], after: after['product-quality'] };
    const call = { grpc_service: 'govern.product_quality.v1.ProductQualityService', grpc_method: 'RecordLabResult', grpc_code: 'OK' };
    expect(total(pq.after, 'grpc_server_handled_total', call)).toBe(total(pq.before, 'grpc_server_handled_total', call) + 1);
    expect(total(pq.after, 'grpc_server_handling_seconds_count', call)).toBeGreaterThan(0);
    expect(total(pq.after, 'govern_outbox_published_total')).toBeGreaterThan(total(pq.before, 'govern_outbox_published_total'));

    const cx = { before: before['consumer-experience'], after: after['consumer-experience'] };
    const handled = { outcome: 'handled' };
    expect(total(cx.after, 'govern_consumer_messages_total', handled)).toBeGreaterThan(total(cx.before, 'govern_consumer_messages_total', handled));
    expect(total(cx.after, 'govern_cascade_settle_seconds_count')).toBeGreaterThan(total(cx.before, 'govern_cascade_settle_seconds_count'));
    const ma = after['merchant-access'];
    expect(total(ma, 'govern_consumer_messages_total', handled)).toBeGreaterThan(total(before['merchant-access'], 'govern_consumer_messages_total', handled));

    // Every consumer a service started is reported up, with its lag and dead letters.
    for (const service of SERVICE_NAMES) {
      const up = samplesOf(after[service], 'govern_consumer_up');
      for (const sample of up) {
        expect(sample.value, `${service} ${sample.labels['consumer']} is up`).toBe(1);
        expect(sampleValue(after[service], 'govern_consumer_lag_messages', { consumer: sample.labels['consumer'] ?? '' })).toBeGreaterThanOrEqual(0);
        expect(sampleValue(after[service], 'govern_dlq_messages', { consumer: sample.labels['consumer'] ?? '' })).toBe(0);
      }
    }
    expect(samplesOf(after['consumer-experience'], 'govern_consumer_up').length).toBeGreaterThan(0);
  });
});
