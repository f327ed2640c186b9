import { BadRequest, ErrorInfo, PreconditionFailure, RequestInfo, RetryInfo, Status as RpcStatus } from '@govern/contracts-common';
import type { FieldViolation } from '@govern/policy-core';
import {
  ClientError,
  createChannel,
  createClientFactory,
  Metadata,
  Status,
  type Channel,
  type ChannelOptions,
  type Client,
  type ClientMiddleware,
  type CompatServiceDefinition,
} from 'nice-grpc';
import { deadlineMiddleware, type DeadlineOptions } from 'nice-grpc-client-middleware-deadline';
import { retryMiddleware, type RetryOptions } from 'nice-grpc-client-middleware-retry';
import { errorDetailsClientMiddleware, RichClientError } from 'nice-grpc-error-details';
import type { Logger } from 'pino';
import { trace } from '@opentelemetry/api';
import { clientMetricsMiddleware, clientTracingMiddleware, type ServiceMetrics, type Telemetry } from '@govern/platform-observability';
import { bearerTokenClientMiddleware, channelOptionsFor, createChannelCredentials, type ClientTransport, type TokenProvider } from '@govern/platform-auth';
import { formatGrpcTimeout } from './deadline';

export interface ServiceClientOptions {
  /** Deadline of a call that sets none (`deadline: undefined` counts as none). */
  defaultDeadlineMs: number;
  /**
   * Retries on UNAVAILABLE only (the server did not take the call, or is going away),
   * with exponential backoff and jitter, always within the call's deadline.
   * `maxAttempts` counts the first attempt. Only methods marked
   * `idempotency_level = IDEMPOTENT | NO_SIDE_EFFECTS` are retried unless `allMethods`:
   * opt in for Govern services, whose mutations are idempotent by `request_id`. A call
   * can still say `retry: false`.
   */
  retry?: { maxAttempts: number; baseDelayMs: number; maxDelayMs?: number; allMethods?: boolean };
  /** Logs each retry at warn. */
  log?: Logger;
  channelOptions?: ChannelOptions;
  /** A CLIENT span per logical call (retries are events on it), its context sent as `traceparent`. */
  telemetry?: Pick<Telemetry, 'tracer'>;
  /** grpc_client_handled_total / grpc_client_handling_seconds of the calls made. */
  metrics?: Pick<ServiceMetrics, 'rpcClient'>;
  /**
   * How to reach the server: TLS against a CA, with this caller's certificate for mutual TLS
   * (a service calling another presents its own, `clientTransportOf(security)`). Default plaintext,
   * which a Govern service only accepts when started with ALLOW_INSECURE_PLAINTEXT.
   */
  transport?: ClientTransport;
  /** Sends `authorization: Bearer <token>` on every call that does not set its own (people, systems, tools). */
  token?: TokenProvider;
}

/** Per-call options: `deadline` (Date, or ms from now) and the retry switches. */
export type ServiceCallOptions = DeadlineOptions & RetryOptions;
export type ServiceClient<Service extends CompatServiceDefinition> = Client<Service, ServiceCallOptions>;

/** The deadline the whole call (all attempts) must meet; passed to each attempt's header. */
const CALL_DEADLINE = Symbol('govern call deadline');
type CallDeadlineOption = { [CALL_DEADLINE]?: Date };

const callDeadlineMiddleware =
  (defaultDeadlineMs: number): ClientMiddleware<object, CallDeadlineOption & DeadlineOptions> =>
  async function* callDeadline(call, options) {
    const requested = options.deadline ?? defaultDeadlineMs;
    const deadline = requested instanceof Date ? requested : new Date(Date.now() + requested);
    return yield* call.next(call.request, { ...options, deadline, [CALL_DEADLINE]: deadline });
  };

/**
 * nice-grpc enforces deadlines on the client only (an abort timer); this sends the time
 * left as `grpc-timeout` on every attempt so the server knows it (context.deadline) and
 * can stop work and pass it on.
 */
const wireDeadlineMiddleware: ClientMiddleware<CallDeadlineOption> = async function* wireDeadline(call, options) {
  const deadline = options[CALL_DEADLINE];
  if (!deadline) return yield* call.next(call.request, options);
  const metadata = Metadata(options.metadata);
  metadata.set('grpc-timeout', formatGrpcTimeout(deadline));
  return yield* call.next(call.request, { ...options, metadata });
};

/** Raw `google.rpc.Status` of failed calls, decoded with the contracts codecs (keeps FieldViolation.reason). */
const statusOfError = new WeakMap<object, RpcStatus>();

const statusCaptureMiddleware: ClientMiddleware = async function* statusCapture(call, options) {
  let status: RpcStatus | undefined;
  try {
    return yield* call.next(call.request, {
      ...options,
      onTrailer(trailer) {
        const details = trailer.get('grpc-status-details-bin');
        if (details) status = RpcStatus.decode(details);
        options.onTrailer?.(trailer);
      },
    });
  } catch (error) {
    if (status && error instanceof ClientError) statusOfError.set(error, status);
    throw error;
  }
};

const channelOfClient = new WeakMap<object, Channel>();

/**
 * A typed nice-grpc client for another Govern service (or any gRPC server). Middleware,
 * outermost first: default deadline → deadline (one budget for all attempts) → retry
 * (UNAVAILABLE only) → error details (RichClientError; see `readErrorDetails`) → deadline
 * header; with `metrics` and `telemetry`, client metrics and the CLIENT span wrap them all.
 * Inside a handler, pass the caller's deadline on: `{ deadline: context.deadline }`.
 */
export const createServiceClient = <Service extends CompatServiceDefinition>(
  definition: Service,
  address: string,
  options: ServiceClientOptions,
): ServiceClient<Service> => {
  const transport = options.transport ?? { mode: 'plaintext' };
  const channel = createChannel(address, createChannelCredentials(transport), { ...channelOptionsFor(transport), ...options.channelOptions });
  const { retry, log } = options;
  const innermost = createClientFactory();
  // Innermost, so every attempt of a retried call carries a token that is valid now.
  const factory = (options.token ? innermost.use(bearerTokenClientMiddleware(options.token)) : innermost)
    .use(wireDeadlineMiddleware)
    .use(errorDetailsClientMiddleware)
    .use(statusCaptureMiddleware)
    .use(retryMiddleware)
    .use(deadlineMiddleware)
    .use(callDeadlineMiddleware(options.defaultDeadlineMs));
  // The last `.use` is the outermost: one span and one measurement per logical call, retries included.
  const measured = options.metrics ? factory.use(clientMetricsMiddleware(options.metrics)) : factory;
  const traced = options.telemetry ? measured.use(clientTracingMiddleware(options.telemetry, { address })) : measured;
  const client = traced.create(definition, channel, {
    '*': {
      retryableStatuses: [Status.UNAVAILABLE],
      retryMaxAttempts: retry ? Math.max(0, retry.maxAttempts - 1) : 0,
      retryBaseDelayMs: retry?.baseDelayMs ?? 100,
      retryMaxDelayMs: retry?.maxDelayMs ?? 5_000,
      ...(retry?.allMethods ? { retry: true } : {}),
      onRetryableError(error: ClientError, attempt: number, delayMs: number) {
        log?.warn({ rpc: error.path, code: Status[error.code], attempt: attempt + 1, delay_ms: delayMs }, 'retrying call');
        trace.getActiveSpan()?.addEvent('retry', { attempt: attempt + 1, 'rpc.grpc.status_code': error.code, delay_ms: delayMs });
      },
    },
  }) as ServiceClient<Service>;
  channelOfClient.set(client, channel);
  return client;
};

/** Closes the channel of a client made by `createServiceClient` (e.g. in `server.onShutdown`). */
export const closeServiceClient = (client: object): void => {
  channelOfClient.get(client)?.close();
};

export interface PreconditionViolation {
  type: string;
  subject: string;
  description: string;
}

export interface GrpcErrorDetails {
  code: Status;
  /** e.g. `INVALID_ARGUMENT`. */
  codeName: string;
  message: string;
  /** ErrorInfo.reason: the domain error code, e.g. `LISTING.THREE_NO`. */
  reason?: string;
  /** ErrorInfo.domain, e.g. `content.govern`. */
  domain?: string;
  metadata: Record<string, string>;
  fieldViolations: FieldViolation[];
  preconditionViolations: PreconditionViolation[];
  /** RequestInfo.request_id: quote it to find the server's log lines. */
  requestId?: string;
  /** RetryInfo.retry_delay in ms: how long the server asks the caller to wait (rate limits, not-yet-known facts). */
  retryDelayMs?: number;
}

const typeName = (typeUrl: string): string => typeUrl.slice(typeUrl.lastIndexOf('/') + 1);

/**
 * Code, message and the details of a `google.rpc.Status` (as carried in `grpc-status-details-bin`):
 * for clients that read trailers themselves (raw grpc-js clients, the fuzz suite).
 */
export const errorDetailsOf = (code: number, message: string, status: RpcStatus | Uint8Array | undefined): GrpcErrorDetails => {
  const result: GrpcErrorDetails = { code, codeName: Status[code] ?? String(code), message, metadata: {}, fieldViolations: [], preconditionViolations: [] };
  const decoded = status instanceof Uint8Array ? RpcStatus.decode(status) : status;
  for (const detail of decoded?.details ?? []) {
    const name = typeName(detail.typeUrl);
    if (name === 'google.rpc.ErrorInfo') {
      const info = ErrorInfo.decode(detail.value);
      Object.assign(result, { reason: info.reason, domain: info.domain, metadata: info.metadata });
    } else if (name === 'google.rpc.BadRequest') {
      result.fieldViolations.push(...BadRequest.decode(detail.value).fieldViolations.map(({ field, description, reason }) => ({ field, description, reason })));
    } else if (name === 'google.rpc.PreconditionFailure') {
      result.preconditionViolations.push(...PreconditionFailure.decode(detail.value).violations);
    } else if (name === 'google.rpc.RequestInfo') {
      result.requestId = RequestInfo.decode(detail.value).requestId;
    } else if (name === 'google.rpc.RetryInfo') {
      const delay = RetryInfo.decode(detail.value).retryDelay;
      if (delay) result.retryDelayMs = Number(delay.seconds) * 1_000 + Math.round(delay.nanos / 1_000_000);
    }
  }
  return result;
};

/**
 * Reads code, ErrorInfo, BadRequest, PreconditionFailure, RequestInfo and RetryInfo from a failed
 * call's error; `undefined` for anything that is not a gRPC client error.
 */
export const readErrorDetails = (error: unknown): GrpcErrorDetails | undefined => {
  if (!(error instanceof ClientError)) return undefined;
  const status = statusOfError.get(error);
  const result = errorDetailsOf(error.code, error.details, status);
  if (status) return result;
  if (error instanceof RichClientError) {
    // A client without our status capture: nice-grpc-error-details' types (no violation reason).
    for (const detail of error.extra) {
      if (detail.$type === 'google.rpc.ErrorInfo') Object.assign(result, { reason: detail.reason, domain: detail.domain, metadata: detail.metadata });
      else if (detail.$type === 'google.rpc.BadRequest') {
        result.fieldViolations.push(...detail.fieldViolations.map(({ field, description }) => ({ field, description, reason: '' })));
      } else if (detail.$type === 'google.rpc.PreconditionFailure') {
        result.preconditionViolations.push(...detail.violations.map(({ type, subject, description }) => ({ type, subject, description })));
      } else if (detail.$type === 'google.rpc.RequestInfo') result.requestId = detail.requestId;
    }
  }
  return result;
};
