import { context as contextApi, trace, type Context } from '@opentelemetry/api';
import { Status, type ServerMiddleware } from 'nice-grpc-common';
import type { ServiceMetrics } from '../metrics/service-metrics';
import type { Telemetry } from '../telemetry/telemetry';
import { grpcMethodOf, grpcStatusOf, statusName } from './grpc-call';
import { endServerSpan, startServerSpan } from './grpc-tracing';

export interface ServerObservationOptions {
  /** A SERVER span per call, current for the handler; trace_id in its log lines. */
  telemetry?: Pick<Telemetry, 'tracer'> | undefined;
  /** grpc_server_handled_total / grpc_server_handling_seconds by method and status code. */
  metrics?: Pick<ServiceMetrics, 'rpcServer'> | undefined;
}

/**
 * The server side of a call's observation: its SERVER span (child of the caller's span when the
 * request carries `traceparent`, current for every step of the inner chain) and its metrics by
 * method and the status code it ended with, in one generator. Each generator a call passes
 * through costs promises and a resumption on the way in and again on the way out; the span and
 * the metrics as separate middlewares took five (each its own, the span's context and two
 * settling wrappers, `withContextGenerator` and `settledCall`, which the client side keeps);
 * this is one. Place it first, so the call-log line and the mapped status are inside it.
 */
export const serverObservationMiddleware = ({ telemetry, metrics }: ServerObservationOptions): ServerMiddleware =>
  async function* serverObservation(call, context) {
    const name = grpcMethodOf(call.method);
    const span = telemetry ? startServerSpan(telemetry.tracer, name, context) : undefined;
    const spanContext: Context | undefined = span ? trace.setSpan(span.parent, span.span) : undefined;
    const started = performance.now();
    const inner = call.next(call.request, context);
    // Stays CANCELLED if this generator is closed early (the client went away mid-stream).
    let code = Status.CANCELLED;
    let failure: unknown;
    let finished = false;
    try {
      for (;;) {
        // An async generator resumes in the context of whoever calls next() (nice-grpc), so the
        // span's context is entered for every step: the handler and what it awaits run inside it.
        const step = spanContext ? await contextApi.with(spanContext, () => inner.next()) : await inner.next();
        if (step.done) {
          finished = true;
          code = Status.OK;
          return step.value;
        }
        yield step.value;
      }
    } catch (error) {
      failure = error;
      code = grpcStatusOf(error);
      throw error;
    } finally {
      // Closed early: let the inner chain clean up, as `yield*` would (a no-op once it has thrown).
      if (!finished) {
        // `never`: the middleware's response type is generic here; returning early passes no value.
        const close = () => inner.return(undefined as never);
        await (spanContext ? contextApi.with(spanContext, close) : close());
      }
      if (span) endServerSpan(span.span, code, failure);
      metrics?.rpcServer({ type: name.type, service: name.service, method: name.method, code: statusName(code) }, (performance.now() - started) / 1_000);
    }
  };

/**
 * A SERVER span per call alone: child of the caller's span when the request carries `traceparent`,
 * made current for the handler (log lines, outgoing calls and outbox rows see it). Put it first
 * in the chain, so the call-log line and the mapped status are inside it.
 */
export const serverTracingMiddleware = (telemetry: Pick<Telemetry, 'tracer'>): ServerMiddleware => serverObservationMiddleware({ telemetry });

/**
 * `grpc_server_handled_total` and `grpc_server_handling_seconds` alone, by method and status code.
 * Place it outside the error mapper (next to the tracing middleware), so the code is the one the
 * client receives. A stream the client abandons counts as CANCELLED.
 */
export const serverMetricsMiddleware = (metrics: Pick<ServiceMetrics, 'rpcServer'>): ServerMiddleware => serverObservationMiddleware({ metrics });
