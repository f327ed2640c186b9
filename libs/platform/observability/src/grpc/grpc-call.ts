import { context as contextApi, type Context } from '@opentelemetry/api';
import { ClientError, ServerError, Status, type MethodDescriptor } from 'nice-grpc-common';

/** `unary`, `client_stream`, `server_stream` or `bidi_stream` (the go-grpc-prometheus `grpc_type`). */
export type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

export interface GrpcMethodName {
  /** Full service name, e.g. `govern.content.v1.ContentService`. */
  service: string;
  /** Method as the proto names it, e.g. `AssessVideo`. */
  method: string;
  type: GrpcType;
}

const names = new Map<string, GrpcMethodName>();
/**
 * By descriptor object first: nice-grpc hands every call of a method the same descriptor, so a
 * call costs one WeakMap look-up instead of building the path key (twice a call: span and metrics).
 */
const byDescriptor = new WeakMap<MethodDescriptor, GrpcMethodName>();

/** Service and method of `/pkg.Service/Method`; cached, since paths are few and calls are many. */
export const grpcMethodOf = (descriptor: MethodDescriptor): GrpcMethodName => {
  const known = byDescriptor.get(descriptor);
  if (known) return known;
  const key = `${descriptor.path}|${descriptor.requestStream ? 1 : 0}${descriptor.responseStream ? 1 : 0}`;
  let found = names.get(key);
  if (!found) {
    const [, service = 'unknown', method = 'unknown'] = descriptor.path.split('/');
    const type: GrpcType = descriptor.requestStream
      ? descriptor.responseStream
        ? 'bidi_stream'
        : 'client_stream'
      : descriptor.responseStream
        ? 'server_stream'
        : 'unary';
    found = { service, method, type };
    // grpc-js only dispatches registered paths, so the map is bounded by the services served.
    names.set(key, found);
  }
  byDescriptor.set(descriptor, found);
  return found;
};

export const isAbortError = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

/**
 * The status a call ended with, as its peer sees it: a ServerError's or ClientError's code;
 * an abort (the client went away, the deadline passed) is CANCELLED; anything else is
 * UNKNOWN (what nice-grpc answers for an unmapped error).
 */
export const grpcStatusOf = (error: unknown): Status => {
  if (error instanceof ServerError || error instanceof ClientError) return error.code;
  if (isAbortError(error)) return Status.CANCELLED;
  return Status.UNKNOWN;
};

/** The domain reason a mapped error carries (`MappedServerError.reason`, `AuthServerError.reason`). */
export const reasonOf = (error: unknown): string | undefined => {
  const reason = typeof error === 'object' && error !== null ? (error as { reason?: unknown }).reason : undefined;
  return typeof reason === 'string' && reason !== '' ? reason.slice(0, 100) : undefined;
};

export const statusName = (code: Status): string => Status[code] ?? String(code);

/**
 * Iterates a middleware's inner generator with `ctx` as the active OpenTelemetry context for
 * every step, so the handler (and everything it awaits) runs inside the call's span. A plain
 * `yield*` cannot do this: an async generator resumes in the context of whoever calls
 * `next()`, which is nice-grpc, outside any `context.with`. Closing the outer generator early
 * (the client went away mid-stream) closes the inner one, as `yield*` would.
 */
export async function* withContextGenerator<T, R>(ctx: Context, inner: AsyncGenerator<T, R | void, undefined>): AsyncGenerator<T, R | void, undefined> {
  let finished = false;
  try {
    for (;;) {
      const step = await contextApi.with(ctx, () => inner.next());
      if (step.done) {
        finished = true;
        return step.value;
      }
      yield step.value;
    }
  } finally {
    if (!finished) await contextApi.with(ctx, () => inner.return(undefined));
  }
}

/**
 * Runs a call (`inner`, what nice-grpc's `call.next` returns) and hands `settle` the status code
 * it ended with and its error, if any: CANCELLED when the generator is closed early (the client
 * went away mid-stream), which neither returns nor throws.
 */
export async function* settledCall<T, R>(inner: AsyncGenerator<T, R | void, undefined>, settle: (code: Status, failure: unknown) => void): AsyncGenerator<T, R | void, undefined> {
  let code = Status.CANCELLED;
  let failure: unknown;
  try {
    const result = yield* inner;
    code = Status.OK;
    return result;
  } catch (error) {
    failure = error;
    code = grpcStatusOf(error);
    throw error;
  } finally {
    settle(code, failure);
  }
}
