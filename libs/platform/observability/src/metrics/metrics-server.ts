import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { listenHttp } from '../http/listen';
import type { ServiceMetrics } from './service-metrics';

/**
 * Where `npm start` serves metrics: the first service (registry order) on this port, the
 * next ones on the ports after it (9464 is the conventional Prometheus exporter port).
 */
export const DEFAULT_METRICS_BASE_PORT = 9464;

export interface MetricsServer {
  port: number;
  /** `http://host:port/metrics` */
  url: string;
  close(): Promise<void>;
}

/**
 * The Prometheus endpoint of a service: `GET /metrics` (text exposition format 0.0.4), a
 * plain HTTP listener of its own, apart from gRPC, so a scrape never competes with calls for
 * the gRPC port's limits and the endpoint can stay inside the cluster network. Scrapes are
 * the only time the scrape-time sources (outbox, consumers, jobs) are queried.
 */
export const startMetricsServer = async (options: { metrics: Pick<ServiceMetrics, 'text' | 'contentType'>; host: string; port: number; log?: Logger }): Promise<MetricsServer> => {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the metrics are at /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    options.metrics.text().then(
      (body) => {
        response.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        options.log?.error({ err: error }, 'metrics scrape failed');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
      },
    );
  });
  // A slow or stuck scraper must not hold sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const { port, urlHost } = await listenHttp(server, options.port, options.host);
  const url = `http://${urlHost}:${port}/metrics`;
  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections of a scraper would otherwise hold close() open.
        server.closeAllConnections();
      })),
  };
};
