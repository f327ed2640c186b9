import { Status, type ClientMiddleware, type ServerMiddleware } from 'nice-grpc-common';
import type { ServiceMetrics } from '../metrics/service-metrics';
import { grpcMethodOf, grpcStatusOf, statusName } from './grpc-call';

/**
 * `grpc_server_handled_total` and `grpc_server_handling_seconds` by method and status code.
 * Place it outside the error mapper (next to the tracing middleware), so the code is the one
 * the client receives. A stream the client abandons counts as CANCELLED.
 */
export const serverMetricsMiddleware = (metrics: Pick<ServiceMetrics, 'rpcServer'>): ServerMiddleware =>
  async function* serverMetrics(call, context) {
    const started = performance.now();
    let code = Status.CANCELLED;
    try {
      const result = yield* call.next(call.request, context);
      code = Status.OK;
      return result;
    } catch (error) {
      code = grpcStatusOf(error);
      throw error;
    } finally {
      const { type, service, method } = grpcMethodOf(call.method);
      metrics.rpcServer({ type, service, method, code: statusName(code) }, (performance.now() - started) / 1_000);
    }
  };

/** `grpc_client_handled_total` and `grpc_client_handling_seconds` of the calls a service makes. */
export const clientMetricsMiddleware = (metrics: Pick<ServiceMetrics, 'rpcClient'>): ClientMiddleware =>
  async function* clientMetrics(call, options) {
    const started = performance.now();
    let code = Status.CANCELLED;
    try {
      const result = yield* call.next(call.request, options);
      code = Status.OK;
      return result;
    } catch (error) {
      code = grpcStatusOf(error);
      throw error;
    } finally {
      const { type, service, method } = grpcMethodOf(call.method);
      metrics.rpcClient({ type, service, method, code: statusName(code) }, (performance.now() - started) / 1_000);
    }
  };
