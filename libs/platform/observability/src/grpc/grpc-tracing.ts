import {
  context as contextApi,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';
import { Metadata, Status, type CallContext, type ClientMiddleware } from 'nice-grpc-common';
import { ATTR, RPC_SYSTEM_GRPC } from '../semconv';
import type { Telemetry } from '../telemetry/telemetry';
import { propagator } from '../tracing/trace-context';
import { grpcMethodOf, reasonOf, settledCall, withContextGenerator, type GrpcMethodName } from './grpc-call';

/**
 * Spans for gRPC calls, as nice-grpc middlewares (see telemetry.ts for why not grpc-js
 * auto-instrumentation). Attributes follow the OTel RPC conventions these backends key on
 * (`rpc.system=grpc`, `rpc.service`, `rpc.method`, `rpc.grpc.status_code`).
 */
const metadataGetter: TextMapGetter<Metadata> = {
  keys: (carrier) => Array.from(carrier, ([key]) => key),
  get: (carrier, key) => carrier.get(key) as string | undefined,
};

const metadataSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

/** Server-side: failures of the server itself are errors; the caller's mistakes are not (OTel RPC conventions). */
const SERVER_ERROR_CODES = new Set([Status.UNKNOWN, Status.DEADLINE_EXCEEDED, Status.UNIMPLEMENTED, Status.INTERNAL, Status.UNAVAILABLE, Status.DATA_LOSS]);

const endCall = (span: Span, code: Status, error: unknown, isError: boolean): void => {
  span.setAttribute(ATTR.RPC_GRPC_STATUS_CODE, code);
  if (error !== undefined) {
    const reason = reasonOf(error);
    if (reason) span.setAttribute(ATTR.GOVERN_ERROR_REASON, reason);
  }
  // No status message: gRPC error details may quote the request.
  if (isError) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
};

/** `10.0.0.7:53122`, `[::1]:53122` (grpc-js' getPeer; `ipv4:`-prefixed in some versions) → address and port of the peer. */
const peerAttributes = (peer: string): Attributes => {
  const match = /^(?:ipv[46]:)?\[?([^\]]+?)\]?:(\d+)$/.exec(peer);
  return match ? { [ATTR.NETWORK_PEER_ADDRESS]: match[1], [ATTR.NETWORK_PEER_PORT]: Number(match[2]) } : {};
};

/** The attributes every span of a method starts with, made once per method. */
const methodAttributes = new WeakMap<GrpcMethodName, Attributes>();
const attributesOf = (name: GrpcMethodName): Attributes => {
  let attributes = methodAttributes.get(name);
  if (!attributes) {
    attributes = { [ATTR.RPC_SYSTEM]: RPC_SYSTEM_GRPC, [ATTR.RPC_SERVICE]: name.service, [ATTR.RPC_METHOD]: name.method };
    methodAttributes.set(name, attributes);
  }
  return attributes;
};

/**
 * A call's SERVER span, child of the caller's span when the request carries `traceparent`, and
 * that parent context. The peer's address is added only to a span that records: parsing it is
 * wasted on the spans that are not sampled (most, when nothing is exported), and the SDK's
 * samplers decide on the trace, not on attributes.
 */
export const startServerSpan = (tracer: Tracer, name: GrpcMethodName, context: CallContext): { span: Span; parent: Context } => {
  const parent = propagator.extract(ROOT_CONTEXT, context.metadata, metadataGetter);
  const span = tracer.startSpan(`${name.service}/${name.method}`, { kind: SpanKind.SERVER, attributes: attributesOf(name) }, parent);
  if (span.isRecording()) span.setAttributes(peerAttributes(context.peer));
  return { span, parent };
};

export const endServerSpan = (span: Span, code: Status, error: unknown): void => endCall(span, code, error, SERVER_ERROR_CODES.has(code));

export interface ClientTracingOptions {
  /** `host:port` the client talks to (`server.address`/`server.port` on its spans). */
  address?: string;
}

const serverAttributes = (address: string | undefined): Attributes => {
  const match = address ? /^\[?([^\]]+?)\]?:(\d+)$/.exec(address) : null;
  return match ? { [ATTR.SERVER_ADDRESS]: match[1], [ATTR.SERVER_PORT]: Number(match[2]) } : {};
};

/**
 * A CLIENT span per call, child of the active span (the handler's call or consumed event),
 * its context sent as `traceparent` metadata. Put it outermost in `createServiceClient`, so a
 * retried call is one span (retries show as events added by the retry callback through
 * `trace.getActiveSpan()`, which this middleware makes current for the inner chain).
 */
export const clientTracingMiddleware = (telemetry: Pick<Telemetry, 'tracer'>, options: ClientTracingOptions = {}): ClientMiddleware => {
  const server = serverAttributes(options.address);
  return async function* clientTracing(call, callOptions) {
    const { service, method } = grpcMethodOf(call.method);
    const parent = contextApi.active();
    const span = telemetry.tracer.startSpan(
      `${service}/${method}`,
      { kind: SpanKind.CLIENT, attributes: { [ATTR.RPC_SYSTEM]: RPC_SYSTEM_GRPC, [ATTR.RPC_SERVICE]: service, [ATTR.RPC_METHOD]: method, ...server } },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    const metadata = Metadata(callOptions.metadata);
    propagator.inject(ctx, metadata, metadataSetter);
    // Client-side, every status but OK is an error of this call.
    return yield* settledCall(withContextGenerator(ctx, call.next(call.request, { ...callOptions, metadata })), (code, failure) => endCall(span, code, failure, code !== Status.OK));
  };
};

/**
 * Who called, on the current server span (call it from the identity middleware once the
 * caller is known): its kind and, for services and systems, their name. A person's subject
 * is not recorded (spans leave the platform for a tracing backend), nor any credential.
 */
export const annotateCaller = (caller: { kind: string; service?: string | undefined }): void => {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttribute(ATTR.GOVERN_CALLER_KIND, caller.kind);
  if ((caller.kind === 'service' || caller.kind === 'system') && caller.service) span.setAttribute(ATTR.GOVERN_CALLER_SERVICE, caller.service.slice(0, 100));
};
