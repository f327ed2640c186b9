import { Status, type ClientMiddleware, type MethodDescriptor, type ServerMiddleware } from 'nice-grpc-common';
import type { RpcObservation, ServiceMetrics } from '../metrics/service-metrics';
import { grpcMethodOf, grpcStatusOf, statusName } from './grpc-call';

/** Runs a call (`inner`) and records its method, the status code it ended with and how long it took, passed or failed. */
async function* observed<Out>(
  method: MethodDescriptor,
  // What nice-grpc's `call.next` returns: a generator of the responses (a stream) or of none (a unary call).
  inner: AsyncGenerator<never, Out, undefined> | AsyncGenerator<Out, void, undefined>,
  record: (call: RpcObservation, seconds: number) => void,
): AsyncGenerator<Out, Out | void, undefined> {
  const started = performance.now();
  let code = Status.CANCELLED;
  try {
    const result = yield* inner;
    code = Status.OK;
    return result;
  } catch (error) {
    code = grpcStatusOf(error);
    throw error;
  } finally {
    const { type, service, method: name } = grpcMethodOf(method);
    record({ type, service, method: name, code: statusName(code) }, (performance.now() - started) / 1_000);
  }
}

/**
 * `grpc_server_handled_total` and `grpc_server_handling_seconds` by method and status code.
 * Place it outside the error mapper (next to the tracing middleware), so the code is the one
 * the client receives. A stream the client abandons counts as CANCELLED.
 */
export const serverMetricsMiddleware = (metrics: Pick<ServiceMetrics, 'rpcServer'>): ServerMiddleware =>
  async function* serverMetrics(call, context) {
    return yield* observed(call.method, call.next(call.request, context), (observation, seconds) => metrics.rpcServer(observation, seconds));
  };

/** `grpc_client_handled_total` and `grpc_client_handling_seconds` of the calls a service makes. */
export const clientMetricsMiddleware = (metrics: Pick<ServiceMetrics, 'rpcClient'>): ClientMiddleware =>
  async function* clientMetrics(call, options) {
    return yield* observed(call.method, call.next(call.request, options), (observation, seconds) => metrics.rpcClient(observation, seconds));
  };
