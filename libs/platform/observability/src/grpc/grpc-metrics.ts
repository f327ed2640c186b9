import type { ClientMiddleware, MethodDescriptor } from 'nice-grpc-common';
import type { RpcObservation, ServiceMetrics } from '../metrics/service-metrics';
import { grpcMethodOf, settledCall, statusName } from './grpc-call';

/** Runs a call (`inner`) and records its method, the status code it ended with and how long it took, passed or failed. */
const observed = <T, R>(method: MethodDescriptor, inner: AsyncGenerator<T, R | void, undefined>, record: (call: RpcObservation, seconds: number) => void) => {
  const started = performance.now();
  return settledCall(inner, (code) => {
    const { type, service, method: name } = grpcMethodOf(method);
    record({ type, service, method: name, code: statusName(code) }, (performance.now() - started) / 1_000);
  });
};

/** `grpc_client_handled_total` and `grpc_client_handling_seconds` of the calls a service makes. */
export const clientMetricsMiddleware = (metrics: Pick<ServiceMetrics, 'rpcClient'>): ClientMiddleware =>
  async function* clientMetrics(call, options) {
    return yield* observed(call.method, call.next(call.request, options), (observation, seconds) => metrics.rpcClient(observation, seconds));
  };
