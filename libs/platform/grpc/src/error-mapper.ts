import { DomainError, ValidationError, type ErrorKind } from '@govern/policy-core';
import { ServerError, Status } from 'nice-grpc-common';
import { RichServerError, type ErrorDetails } from 'nice-grpc-error-details';
import type { Logger } from 'pino';
import { boundServerError, encodeAnswer, type Answer, type AnswerLimits } from './bounded-answer';

const shutdownReasons = new WeakSet<object>();

/**
 * The abort reason of a call the server ends on shutdown: an AbortError like any other
 * (handlers that rethrow `signal.reason` still throw an AbortError), but recognisable.
 */
export const shutdownAbortReason = (): DOMException => {
  const reason = new DOMException('The server is shutting down', 'AbortError');
  shutdownReasons.add(reason);
  return reason;
};

export const abortedByShutdown = (signal: AbortSignal | undefined): boolean =>
  signal?.aborted === true && typeof signal.reason === 'object' && signal.reason !== null && shutdownReasons.has(signal.reason);

const STATUS_OF_KIND: { readonly [K in ErrorKind]: Status } = {
  INVALID_ARGUMENT: Status.INVALID_ARGUMENT,
  NOT_FOUND: Status.NOT_FOUND,
  ALREADY_EXISTS: Status.ALREADY_EXISTS,
  FAILED_PRECONDITION: Status.FAILED_PRECONDITION,
  PERMISSION_DENIED: Status.PERMISSION_DENIED,
  RESOURCE_EXHAUSTED: Status.RESOURCE_EXHAUSTED,
  ABORTED: Status.ABORTED,
  DEADLINE_EXCEEDED: Status.DEADLINE_EXCEEDED,
  UNAVAILABLE: Status.UNAVAILABLE,
};

/**
 * A status the mapper produced, with the stable reason kept for the call's log line
 * (the message may quote user input, so it is not logged).
 */
export class MappedServerError extends RichServerError {
  constructor(
    code: Status,
    details: string,
    extra: ErrorDetails[],
    readonly reason: string,
  ) {
    super(code, details, extra);
    this.name = 'MappedServerError';
  }
}

export interface ErrorMappingContext {
  /** Becomes ErrorInfo.domain `<serviceName>.govern`. */
  serviceName: string;
  requestId: string;
  deadline?: Date | undefined;
  /** The call's signal: its abort reason tells a shutdown from a client cancel. */
  signal?: AbortSignal | undefined;
  /** Where an unexpected error is logged with its stack. */
  log: Pick<Logger, 'error'>;
  now?: () => number;
  /** Bounds of every answer (DEFAULT_ANSWER_LIMITS unless the server was given others). */
  answerLimits?: AnswerLimits | undefined;
  /**
   * Tells a dependency outage (the database down, restarting or out of connections) from a bug:
   * such errors answer UNAVAILABLE so callers retry. The runtime passes platform-db's
   * `isDatabaseUnavailable`; the gRPC kit itself knows no database.
   */
  isUnavailable?: ((error: unknown) => boolean) | undefined;
}

/**
 * A client's own deadline timer cancels the call at about the moment the server's copy of
 * the deadline (received as a relative grpc-timeout, so a little later) runs out: a cancel
 * this close to the deadline is the deadline.
 */
const DEADLINE_SLACK_MS = 50;

export const isAbortError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';

const domainOf = (context: ErrorMappingContext): string => `${context.serviceName}.govern`;

const answer = (code: Status, message: string, reason: string, context: ErrorMappingContext, extra: Partial<Answer> = {}): MappedServerError => {
  const encoded = encodeAnswer({ code, message, reason, domain: domainOf(context), metadata: {}, requestId: context.requestId, ...extra }, context.answerLimits);
  return new MappedServerError(encoded.code, encoded.message, encoded.details, reason);
};

const fromDomainError = (error: DomainError, context: ErrorMappingContext): MappedServerError =>
  answer(STATUS_OF_KIND[error.kind] ?? Status.INTERNAL, error.message, error.code, context, {
    metadata: error.metadata,
    ...(error instanceof ValidationError ? { fieldViolations: error.violations } : {}),
    // AIP-193: say which precondition failed; `subject` when the domain code names one.
    ...(error.kind === 'FAILED_PRECONDITION' ? { precondition: { type: error.code, subject: error.metadata['subject'] ?? '', description: error.message } } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
  });

/**
 * The one mapping from whatever a handler throws to the status a client sees:
 * - ServerError (incl. RichServerError): passes through, its message cut and its details
 *   dropped if they would not fit the trailer budget;
 * - DomainError: its kind's status, ErrorInfo { reason: code, domain: `<service>.govern`,
 *   metadata }, BadRequest field violations for ValidationError, PreconditionFailure for
 *   FAILED_PRECONDITION, RequestInfo { request_id } so a report can be traced to the logs;
 * - AbortError: DEADLINE_EXCEEDED once the deadline has passed, UNAVAILABLE when the
 *   server ended the call on shutdown, else CANCELLED (the client went away);
 * - a dependency down or unreachable (`isUnavailable`, e.g. the database): UNAVAILABLE,
 *   so callers retry instead of treating it as a bug;
 * - anything else: INTERNAL with a generic message; the error and its stack are logged
 *   here and never sent.
 * Every answer is bounded (bounded-answer.ts): no client input is echoed beyond a short prefix,
 * and the trailers never outgrow what a client accepts, whatever the handler threw.
 */
export const toServerError = (error: unknown, context: ErrorMappingContext): ServerError => {
  if (error instanceof MappedServerError) return error;
  if (error instanceof ServerError) return boundServerError(error, context.answerLimits);
  if (error instanceof DomainError) return fromDomainError(error, context);
  if (isAbortError(error) || (context.signal?.aborted && error === context.signal.reason)) {
    const now = context.now?.() ?? Date.now();
    if (context.deadline && context.deadline.getTime() <= now + DEADLINE_SLACK_MS) {
      return answer(Status.DEADLINE_EXCEEDED, 'Deadline exceeded', 'REQUEST.DEADLINE_EXCEEDED', context);
    }
    if (abortedByShutdown(context.signal)) {
      return answer(Status.UNAVAILABLE, 'Server is shutting down; retry', 'SERVER.SHUTTING_DOWN', context);
    }
    return answer(Status.CANCELLED, 'The call was cancelled', 'REQUEST.CANCELLED', context);
  }
  if (context.isUnavailable?.(error)) {
    // Down, restarting or out of connections: the call may succeed later, and nothing was half done.
    context.log.error({ err: error }, 'database unavailable');
    return answer(Status.UNAVAILABLE, 'The service cannot reach its database; retry later', 'DATABASE.UNAVAILABLE', context);
  }
  context.log.error({ err: error }, 'unexpected error in handler');
  return answer(Status.INTERNAL, `Internal error (request_id ${context.requestId})`, 'INTERNAL', context);
};
