import { BadRequest, ErrorInfo, PreconditionFailure, RequestInfo } from '@govern/contracts-common';
import { isDatabaseUnavailable } from '@govern/platform-db';
import { DomainError, ValidationError, type ErrorKind } from '@govern/policy-core';
import { ServerError, Status } from 'nice-grpc-common';
import { Any, RichServerError } from 'nice-grpc-error-details';
import type { Logger } from 'pino';

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
    extra: Any[],
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
}

/**
 * A client's own deadline timer cancels the call at about the moment the server's copy of
 * the deadline (received as a relative grpc-timeout, so a little later) runs out: a cancel
 * this close to the deadline is the deadline.
 */
const DEADLINE_SLACK_MS = 50;

export const isAbortError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';

const pack = (typeName: string, value: Uint8Array): Any =>
  Any.fromPartial({ typeUrl: `type.googleapis.com/${typeName}`, value });

const errorInfo = (reason: string, context: ErrorMappingContext, metadata: Record<string, string> = {}): Any =>
  pack('google.rpc.ErrorInfo', ErrorInfo.encode({ reason, domain: `${context.serviceName}.govern`, metadata }).finish());

const requestInfo = (context: ErrorMappingContext): Any =>
  pack('google.rpc.RequestInfo', RequestInfo.encode({ requestId: context.requestId, servingData: '' }).finish());

const mapped = (code: Status, message: string, reason: string, context: ErrorMappingContext, extra: Any[] = []): MappedServerError =>
  new MappedServerError(code, message, [errorInfo(reason, context), ...extra, requestInfo(context)], reason);

const fromDomainError = (error: DomainError, context: ErrorMappingContext): MappedServerError => {
  const extra = [errorInfo(error.code, context, { ...error.metadata })];
  if (error instanceof ValidationError) {
    const fieldViolations = error.violations.map(({ field, description, reason }) => ({ field, description, reason }));
    extra.push(pack('google.rpc.BadRequest', BadRequest.encode({ fieldViolations }).finish()));
  }
  if (error.kind === 'FAILED_PRECONDITION') {
    // AIP-193: say which precondition failed; `subject` when the domain code names one.
    const violation = { type: error.code, subject: error.metadata['subject'] ?? '', description: error.message };
    extra.push(pack('google.rpc.PreconditionFailure', PreconditionFailure.encode({ violations: [violation] }).finish()));
  }
  extra.push(requestInfo(context));
  return new MappedServerError(STATUS_OF_KIND[error.kind] ?? Status.INTERNAL, error.message, extra, error.code);
};

/**
 * The one mapping from whatever a handler throws to the status a client sees:
 * - ServerError (incl. RichServerError): passes through untouched;
 * - DomainError: its kind's status, ErrorInfo { reason: code, domain: `<service>.govern`,
 *   metadata }, BadRequest field violations for ValidationError, PreconditionFailure for
 *   FAILED_PRECONDITION, RequestInfo { request_id } so a report can be traced to the logs;
 * - AbortError: DEADLINE_EXCEEDED once the deadline has passed, UNAVAILABLE when the
 *   server ended the call on shutdown, else CANCELLED (the client went away);
 * - the database down or unreachable (platform-db's isDatabaseUnavailable): UNAVAILABLE,
 *   so callers retry instead of treating it as a bug;
 * - anything else: INTERNAL with a generic message; the error and its stack are logged
 *   here and never sent.
 */
export const toServerError = (error: unknown, context: ErrorMappingContext): ServerError => {
  if (error instanceof ServerError) return error;
  if (error instanceof DomainError) return fromDomainError(error, context);
  if (isAbortError(error) || (context.signal?.aborted && error === context.signal.reason)) {
    const now = context.now?.() ?? Date.now();
    if (context.deadline && context.deadline.getTime() <= now + DEADLINE_SLACK_MS) {
      return mapped(Status.DEADLINE_EXCEEDED, 'Deadline exceeded', 'REQUEST.DEADLINE_EXCEEDED', context);
    }
    if (abortedByShutdown(context.signal)) {
      return mapped(Status.UNAVAILABLE, 'Server is shutting down; retry', 'SERVER.SHUTTING_DOWN', context);
    }
    return mapped(Status.CANCELLED, 'The call was cancelled', 'REQUEST.CANCELLED', context);
  }
  if (isDatabaseUnavailable(error)) {
    // Down, restarting or out of connections: the call may succeed later, and nothing was half done.
    context.log.error({ err: error }, 'database unavailable');
    return mapped(Status.UNAVAILABLE, 'The service cannot reach its database; retry later', 'DATABASE.UNAVAILABLE', context);
  }
  context.log.error({ err: error }, 'unexpected error in handler');
  return mapped(Status.INTERNAL, `Internal error (request_id ${context.requestId})`, 'INTERNAL', context);
};
