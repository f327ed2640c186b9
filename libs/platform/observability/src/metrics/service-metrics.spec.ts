import { describe, expect, it } from 'vitest';
import { METRICS } from './catalogue';
import { parseExposition, samplesOf, sampleValue } from './exposition-parser';
import { createServiceMetrics, type ConsumerSnapshot } from './service-metrics';

const scrape = async (metrics: ReturnType<typeof createServiceMetrics>) => parseExposition(await metrics.text());

describe('createServiceMetrics', () => {
  it('exposes every catalogue series with its help and type, labelled with the service', async () => {
    const metrics = createServiceMetrics({ serviceName: 'content', processMetrics: false });
    metrics.observeOutbox(async () => ({ backlog: 0, oldestAgeSeconds: 0 }));
    metrics.outboxPublished(1);
    const families = await scrape(metrics);
    for (const spec of Object.values(METRICS)) {
      expect(families.get(spec.name), spec.name).toMatchObject({ help: spec.help, type: spec.type });
    }
    expect(families.get(METRICS.outboxPublished.name)?.samples[0]?.labels).toEqual({ service: 'content' });
  });

  it('records calls, deliveries, jobs and decisions under their labels', async () => {
    const metrics = createServiceMetrics({ serviceName: 'merchant-access', processMetrics: false });
    const call = { type: 'unary', service: 'govern.merchant_access.v1.MerchantAccessService', method: 'SubmitApplication' };
    metrics.rpcServer({ ...call, code: 'OK' }, 0.004);
    metrics.rpcServer({ ...call, code: 'OK' }, 0.02);
    metrics.rpcServer({ ...call, code: 'INVALID_ARGUMENT' }, 0.001);
    metrics.consumerDelivery({ consumer: 'ma_orders', outcome: 'handled', deliveryCount: 1, seconds: 0.01, eventAgeSeconds: 0.3, cascadeAgeSeconds: 2 });
    metrics.consumerDelivery({ consumer: 'ma_orders', outcome: 'failed', deliveryCount: 2, seconds: 0.01, eventAgeSeconds: 9 });
    metrics.consumerDelivery({ consumer: 'ma_orders', outcome: 'dead_lettered', deliveryCount: 5, seconds: 0.01 });
    metrics.jobRun({ kind: 'SANCTION_END', outcome: 'completed', latenessSeconds: 0.5 });
    metrics.decision({ decisionType: 'onboarding', outcome: 'REJECTED', band: 'HIGH', policyVersion: 'onboarding/2026-01', reasonCodes: ['RING.SHARED_BANK_ACCOUNT', 'RISK.NEW_DEVICE'] });
    metrics.enforcement('merchant_removed');
    metrics.compensationPaid('advance', 12_345n);
    const f = await scrape(metrics);
    const handled = samplesOf(f, 'grpc_server_handled_total');
    expect(handled.map((m) => [m.labels['grpc_code'], m.value])).toEqual([
      ['OK', 2],
      ['INVALID_ARGUMENT', 1],
    ]);
    expect(handled[0]?.labels).toMatchObject({ grpc_type: 'unary', grpc_method: 'SubmitApplication', grpc_service: call.service });
    expect(sampleValue(f, 'grpc_server_handling_seconds_bucket', { grpc_code: 'OK', le: '0.005' })).toBe(1);
    expect(sampleValue(f, 'grpc_server_handling_seconds_bucket', { grpc_code: 'OK', le: '0.025' })).toBe(2);
    expect(sampleValue(f, 'grpc_server_handling_seconds_count', { grpc_code: 'OK' })).toBe(2);
    expect(sampleValue(f, 'grpc_server_handling_seconds_count', { grpc_code: 'INVALID_ARGUMENT' })).toBe(1);
    expect(sampleValue(f, 'govern_consumer_messages_total', { outcome: 'handled' })).toBe(1);
    expect(sampleValue(f, 'govern_consumer_messages_total', { outcome: 'dead_lettered' })).toBe(1);
    expect(sampleValue(f, 'govern_consumer_redeliveries_total', { consumer: 'ma_orders' })).toBe(2);
    // Only handled deliveries say how old events were when their effect happened.
    expect(sampleValue(f, 'govern_consumer_event_age_seconds_count')).toBe(1);
    expect(sampleValue(f, 'govern_cascade_settle_seconds_count')).toBe(1);
    expect(sampleValue(f, 'govern_cascade_settle_seconds_sum')).toBe(2);
    expect(sampleValue(f, 'govern_job_runs_total', { kind: 'SANCTION_END', outcome: 'completed' })).toBe(1);
    expect(sampleValue(f, 'govern_decisions_total', { decision_type: 'onboarding', band: 'HIGH', outcome: 'REJECTED', policy_version: 'onboarding/2026-01' })).toBe(1);
    expect(samplesOf(f, 'govern_decision_reasons_total').map((m) => m.labels['reason_code'])).toEqual(['RING.SHARED_BANK_ACCOUNT', 'RISK.NEW_DEVICE']);
    expect(sampleValue(f, 'govern_enforcement_actions_total', { action: 'merchant_removed' })).toBe(1);
    expect(sampleValue(f, 'govern_compensation_paid_fen_total', { kind: 'advance' })).toBe(12_345);
  });

  it('asks its sources only when scraped, once per scrape, and forgets consumers that went away', async () => {
    const metrics = createServiceMetrics({ serviceName: 'consumer-experience', processMetrics: false });
    let calls = 0;
    let consumers: ConsumerSnapshot[] = [
      { consumer: 'ce_inspections', stream: 'GOVERN_PRODUCT_QUALITY', pending: 3, lag: 5, up: true, deadLetters: 1 },
      { consumer: 'ce_merchants', stream: 'GOVERN_MERCHANT_ACCESS', pending: 0, lag: 0, up: false },
    ];
    metrics.observeConsumers(async () => {
      calls++;
      return consumers;
    });
    expect(calls).toBe(0);
    let f = await scrape(metrics);
    expect(calls).toBe(1);
    expect(sampleValue(f, 'govern_consumer_pending_messages', { consumer: 'ce_inspections' })).toBe(3);
    expect(sampleValue(f, 'govern_consumer_lag_messages', { consumer: 'ce_inspections' })).toBe(5);
    expect(sampleValue(f, 'govern_consumer_up', { consumer: 'ce_merchants' })).toBe(0);
    expect(sampleValue(f, 'govern_dlq_messages', { consumer: 'ce_inspections' })).toBe(1);
    expect(sampleValue(f, 'govern_dlq_messages', { consumer: 'ce_merchants' })).toBeUndefined();

    consumers = consumers.slice(0, 1);
    f = await scrape(metrics);
    expect(calls).toBe(2);
    expect(sampleValue(f, 'govern_consumer_up', { consumer: 'ce_merchants' })).toBeUndefined();
  });

  it('leaves a failing or slow source out of the scrape and counts it, without failing the scrape', async () => {
    const metrics = createServiceMetrics({ serviceName: 'content', processMetrics: false, sourceTimeoutMs: 50 });
    metrics.observeOutbox(() => Promise.reject(new Error('connection refused')));
    metrics.observeJobs(() => new Promise(() => undefined));
    metrics.observeDbPool('main', { totalCount: 7, idleCount: 2, waitingCount: 1, options: { max: 10 } });
    let f = await scrape(metrics);
    expect(sampleValue(f, 'govern_outbox_backlog')).toBeNaN();
    expect(sampleValue(f, 'govern_outbox_oldest_unpublished_age_seconds')).toBeNaN();
    expect(samplesOf(f, 'govern_jobs_due')).toEqual([]);
    expect(sampleValue(f, 'govern_db_pool_in_use_connections', { pool: 'main' })).toBe(5);
    expect(sampleValue(f, 'govern_db_pool_waiting_requests', { pool: 'main' })).toBe(1);
    expect(sampleValue(f, 'govern_db_pool_max_connections', { pool: 'main' })).toBe(10);
    f = await scrape(metrics);
    expect(sampleValue(f, 'govern_metrics_collector_failures_total', { collector: 'outbox' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(f, 'govern_metrics_collector_failures_total', { collector: 'jobs' })).toBeGreaterThanOrEqual(1);
  });

  it('keeps label values bounded: past the limit, new values are recorded as "other"', async () => {
    const metrics = createServiceMetrics({ serviceName: 'content', processMetrics: false, labelLimit: 3 });
    for (let i = 0; i < 10; i++) metrics.decision({ decisionType: 'video', outcome: 'PUNISHED', policyVersion: 'v1', reasonCodes: [`CLAIM.${i}`] });
    metrics.decision({ decisionType: 'video', outcome: 'PUNISHED', policyVersion: 'v1', reasonCodes: ['x'.repeat(500)] });
    const reasons = samplesOf(await scrape(metrics), 'govern_decision_reasons_total');
    expect(reasons.map((m) => [m.labels['reason_code'], m.value])).toEqual([
      ['CLAIM.0', 1],
      ['CLAIM.1', 1],
      ['CLAIM.2', 1],
      ['other', 8],
    ]);
    expect(samplesOf(await scrape(metrics), 'govern_decisions_total')[0]?.labels['band']).toBe('none');
  });
});
