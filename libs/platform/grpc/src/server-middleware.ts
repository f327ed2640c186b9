import { randomUUID } from 'node:crypto';
import { ServerError, Status, type CallContext, type ServerMiddleware } from 'nice-grpc-common';
import type { Logger } from 'pino';
import type { GrpcCallContextExt } from './call-context';
import { takeDeadline } from './deadline';
import type { AnswerLimits } from './bounded-answer';
import { toHeaderValue, truncate } from './bounded-text';
import { abortedByShutdown, isAbortError, shutdownAbortReason, toServerError } from './error-mapper';

/** How the identity step tells the call log who called (`person:alice`), so the `rpc finished` line names the caller. */
export const NOTE_CALLER = Symbol('govern note caller');
export type CallerNote = (caller: string) => void;
type CallLogExt = Pick<GrpcCallContextExt, 'log' | 'requestId'> & { [NOTE_CALLER]?: CallerNote };
type CallSignalExt = Pick<GrpcCallContextExt, 'deadline' | 'abortOnTerminate'>;

const MAX_REQUEST_ID_LENGTH = 128;
/** Probes and tooling call these all the time: their lines go to debug. */
const QUIET_PATH = /^\/grpc\.(health|reflection)\./;

const requestIdOf = (request: unknown, context: CallContext): string => {
  const fromBody = typeof request === 'object' && request !== null ? (request as { requestId?: unknown }).requestId : undefined;
  const candidate = typeof fromBody === 'string' && fromBody !== '' ? fromBody : context.metadata.get('x-request-id');
  return candidate ? truncate(candidate, MAX_REQUEST_ID_LENGTH) : randomUUID();
};

const levelOf = (code: Status, path: string): 'debug' | 'info' | 'warn' | 'error' => {
  if (code === Status.OK) return QUIET_PATH.test(path) ? 'debug' : 'info';
  if (code === Status.INTERNAL || code === Status.UNKNOWN || code === Status.DATA_LOSS) return 'error';
  if (code === Status.DEADLINE_EXCEEDED || code === Status.UNAVAILABLE || code === Status.RESOURCE_EXHAUSTED || code === Status.UNIMPLEMENTED) {
    return 'warn';
  }
  return 'info';
};

/** What the call log knows of a call; also the target of its lazy logger (see `lazyChild`). */
interface CallLogState {
  logger: Logger;
  rpc: string;
  requestId: string;
  /** Set by the identity step (through NOTE_CALLER) once it knows who called. */
  caller?: string | undefined;
  child?: Logger | undefined;
}

const childOf = (state: CallLogState): Logger =>
  (state.child ??= state.logger.child({ rpc: state.rpc, request_id: state.requestId, ...(state.caller ? { caller: state.caller } : {}) }));

/**
 * A child of the server logger bound to the call's `rpc`, `request_id` and `caller`, made the
 * first time it is used. Most calls log nothing but their `rpc finished` line, and a pino child
 * costs more to make than a line costs to write, so a call pays for its child only when its
 * handler (or the error mapper) logs. A Proxy because the context is spread by every middleware
 * after this one: a getter would be read (and the child made) by the first spread. The handler
 * is shared and the call's state is the Proxy's target, so a call allocates no closures for it.
 */
const LAZY_CHILD: ProxyHandler<CallLogState> = {
  get(state, key) {
    const made = childOf(state);
    const value: unknown = Reflect.get(made, key, made);
    return typeof value === 'function' ? value.bind(made) : value;
  },
  set: (state, key, value) => Reflect.set(childOf(state), key, value),
  has: (state, key) => Reflect.has(childOf(state), key),
};

const lazyChild = (state: CallLogState): Logger => new Proxy(state, LAZY_CHILD) as unknown as Logger;

/**
 * (a) The request id, a logger for the call (`context.log`, bound to `rpc`, `request_id` and,
 * once the identity step has named it, `caller`), and one line per call with the status and
 * duration. Never logs the request or response body (identity numbers live there). The line is
 * written by the server logger with the call's fields, not through a per-call child.
 */
export const callLogMiddleware = (logger: Logger): ServerMiddleware<CallLogExt> =>
  async function* callLog(call, context) {
    const started = performance.now();
    const rpc = call.method.path;
    const requestId = requestIdOf(call.requestStream ? undefined : call.request, context);
    const state: CallLogState = { logger, rpc, requestId };
    // A client's id may hold any text; a header may not (grpc-js would throw, and the call end UNKNOWN).
    context.header.set('x-request-id', toHeaderValue(requestId, MAX_REQUEST_ID_LENGTH));
    // Stays CANCELLED if the generator is closed early (the client went away mid-stream).
    let code = Status.CANCELLED;
    let reason: string | undefined;
    try {
      const result = yield* call.next(call.request, { ...context, log: lazyChild(state), requestId, [NOTE_CALLER]: (who: string) => (state.caller = who) });
      code = Status.OK;
      return result;
    } catch (error) {
      if (error instanceof ServerError) {
        code = error.code;
        // The error mapper's and the auth middlewares' errors both carry their ErrorInfo reason.
        const given = (error as ServerError & { reason?: unknown }).reason;
        if (typeof given === 'string') reason = given;
      } else if (!isAbortError(error)) code = Status.UNKNOWN;
      throw error;
    } finally {
      const { caller } = state;
      const line = {
        rpc,
        request_id: requestId,
        code: Status[code],
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
        ...(reason ? { reason } : {}),
        ...(caller ? { caller } : {}),
      };
      logger[levelOf(code, rpc)](line, 'rpc finished');
    }
  };

/** Ends calls that asked for it (`abortOnTerminate`) when the server shuts down. */
export interface Terminator {
  readonly terminated: boolean;
  /** Registers an abort; returns the unregister function. Aborts at once if already terminated. */
  register(abort: () => void): () => void;
  terminate(): void;
}

export const createTerminator = (): Terminator => {
  const aborts = new Set<() => void>();
  let terminated = false;
  return {
    get terminated() {
      return terminated;
    },
    register(abort) {
      if (terminated) {
        abort();
        return () => undefined;
      }
      aborts.add(abort);
      return () => aborts.delete(abort);
    },
    terminate() {
      terminated = true;
      for (const abort of [...aborts]) abort();
      aborts.clear();
    },
  };
};

/**
 * (b) Deadline and cancellation: exposes the caller's absolute deadline and gives the
 * handler a signal that aborts on client cancel, on deadline (grpc-js cancels the call)
 * and, for calls that opted in, on server shutdown. A call whose deadline has already
 * passed gets an aborted signal, so the error mapper answers DEADLINE_EXCEEDED before any
 * handler code runs.
 */
export const callSignalMiddleware = (terminator: Terminator, now: () => number = Date.now): ServerMiddleware<CallSignalExt> =>
  async function* callSignal(call, context) {
    const deadline = takeDeadline(context.metadata);
    const controller = new AbortController();
    const forward = (): void => controller.abort(context.signal.reason);
    if (context.signal.aborted) forward();
    else if (deadline && deadline.getTime() <= now()) controller.abort();
    context.signal.addEventListener('abort', forward, { once: true });
    let unregister: (() => void) | undefined;
    const abortOnTerminate = (): void => {
      unregister ??= terminator.register(() => controller.abort(shutdownAbortReason()));
    };
    try {
      return yield* call.next(call.request, { ...context, signal: controller.signal, deadline, abortOnTerminate });
    } finally {
      context.signal.removeEventListener('abort', forward);
      unregister?.();
    }
  };

/**
 * (c) The error mapper as middleware: every error a handler throws leaves as a gRPC status
 * (see `toServerError`). A stream the server ends on shutdown finishes cleanly (OK).
 * Sits inside (b), so it sees the deadline and the call's own signal.
 */
export const errorMappingMiddleware = (
  serviceName: string,
  now: () => number = Date.now,
  answerLimits?: AnswerLimits,
  isUnavailable?: (error: unknown) => boolean,
): ServerMiddleware<object, CallLogExt & CallSignalExt> =>
  async function* errorMapping(call, context) {
    try {
      // A call that arrives past its deadline (or already cancelled) never reaches the handler.
      if (context.signal.aborted) throw new DOMException('The call was aborted before it started', 'AbortError');
      return yield* call.next(call.request, context);
    } catch (error) {
      if (call.responseStream && abortedByShutdown(context.signal)) return;
      throw toServerError(error, {
        serviceName,
        requestId: context.requestId,
        deadline: context.deadline,
        signal: context.signal,
        log: context.log,
        now,
        answerLimits,
        isUnavailable,
      });
    }
  };
