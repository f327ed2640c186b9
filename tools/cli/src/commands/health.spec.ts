import { createServiceMetrics, startMetricsServer, type MetricsServer } from '@govern/platform-observability';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error';
import { checkPlatformMetrics, DEFAULT_METRICS_ADDRESSES, metricsTrouble, parseMetricsOption, renderMetricsHealth } from './health';

/** `govern health`'s metrics part against a real Prometheus endpoint (and one that is not there). */
const servers: MetricsServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const serve = async (deadLetters: number): Promise<string> => {
  const metrics = createServiceMetrics({ serviceName: 'content', processMetrics: false });
  metrics.observeOutbox(async () => ({ backlog: 3, oldestAgeSeconds: 42.5 }));
  metrics.observeConsumers(async () => [
    { consumer: 'content_merchant_standing', stream: 'GOVERN_MERCHANT_ACCESS', pending: 2, lag: 5, up: true, deadLetters },
    { consumer: 'content_buyer_feedback', stream: 'GOVERN_CONSUMER_EXPERIENCE', pending: 0, lag: 0, up: false, deadLetters: 0 },
  ]);
  metrics.observeJobs(async () => [{ kind: 'SANCTION_EXPIRY', due: 4, overdue: 1, oldestDueAgeSeconds: 90 }]);
  metrics.rpcServer({ type: 'unary', service: 'govern.content.v1.ContentService', method: 'AssessVideo', code: 'OK' }, 0.01);
  metrics.rpcServer({ type: 'unary', service: 'govern.content.v1.ContentService', method: 'AssessVideo', code: 'INTERNAL' }, 0.01);
  const server = await startMetricsServer({ metrics, host: '127.0.0.1', port: 0 });
  servers.push(server);
  return new URL(server.url).host;
};

describe('govern health: metrics', () => {
  it("shows each consumer's state, lag and dead letters, the outbox, calls and jobs, and says when an endpoint is not there", async () => {
    const endpoint = await serve(1);
    // A port nothing listens on any more.
    const gone = await startMetricsServer({ metrics: createServiceMetrics({ serviceName: 'gone', processMetrics: false }), host: '127.0.0.1', port: 0 });
    await gone.close();
    const goneAt = new URL(gone.url).host;
    const [content, missing] = await checkPlatformMetrics({ content: endpoint, 'product-quality': goneAt });
    expect(content).toMatchObject({ service: 'content', summary: { outbox: { backlog: 3, oldestAgeSeconds: 42.5 }, rpc: { calls: 2, serverErrors: 1 }, jobs: { due: 4, overdue: 1 } } });
    const lines = content ? renderMetricsHealth(content) : [];
    expect(lines[0]).toBe('  outbox: 3 waiting, oldest 42.5 s   calls: 2 (1 server errors)   jobs: 4 due, 1 overdue');
    expect(lines).toContainEqual(expect.stringMatching(/consumer content_merchant_standing +up {4}pending 2 {2}lag 5 {2}dead letters 1$/));
    expect(lines).toContainEqual(expect.stringMatching(/consumer content_buyer_feedback +DOWN {2}pending 0 {2}lag 0 {2}dead letters 0$/));
    expect(content && metricsTrouble(content)).toBe(true);
    expect(missing && renderMetricsHealth(missing)).toEqual([`  metrics: unreachable at http://${goneAt}/metrics (ECONNREFUSED)`]);
  });

  it("takes npm start's metrics ports by default, per-service overrides, or off", () => {
    expect(DEFAULT_METRICS_ADDRESSES).toEqual({
      content: '127.0.0.1:9464',
      'product-quality': '127.0.0.1:9465',
      'merchant-access': '127.0.0.1:9466',
      'consumer-experience': '127.0.0.1:9467',
    });
    expect(parseMetricsOption('merchant-access=10.0.0.7:9100')).toMatchObject({ content: '127.0.0.1:9464', 'merchant-access': '10.0.0.7:9100' });
    expect(parseMetricsOption('off')).toBeUndefined();
    expect(() => parseMetricsOption('billing=10.0.0.7:9100')).toThrow(UsageError);
    expect(() => parseMetricsOption('content=nope')).toThrow(/service=host:port/);
  });
});
