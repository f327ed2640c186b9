import { ErrorInfo, QuotaFailure, RequestInfo, RetryInfo } from '@govern/contracts-common';
import { Status } from 'nice-grpc-common';
import { Any, RichServerError } from 'nice-grpc-error-details';
import type { AuthError } from '../identity/auth-error';

/**
 * An AuthError as the status a client sees: ErrorInfo { reason, domain `<service>.govern`,
 * metadata }, RetryInfo and QuotaFailure for rate limits, RequestInfo { request_id } when the
 * call has one. `reason` is kept on the error for the call log line (as the error mapper's
 * MappedServerError does), since messages are never logged.
 */
export class AuthServerError extends RichServerError {
  constructor(
    code: Status,
    message: string,
    details: Any[],
    readonly reason: string,
  ) {
    super(code, message, details);
    this.name = 'AuthServerError';
  }
}

const STATUS = { UNAUTHENTICATED: Status.UNAUTHENTICATED, PERMISSION_DENIED: Status.PERMISSION_DENIED, RESOURCE_EXHAUSTED: Status.RESOURCE_EXHAUSTED, UNAVAILABLE: Status.UNAVAILABLE };

const pack = (typeName: string, value: Uint8Array): Any => Any.fromPartial({ typeUrl: `type.googleapis.com/${typeName}`, value });

export const toAuthServerError = (error: AuthError, context: { serviceName: string; requestId?: string | undefined; quotaSubject?: string }): AuthServerError => {
  const details = [pack('google.rpc.ErrorInfo', ErrorInfo.encode({ reason: error.reason, domain: `${context.serviceName}.govern`, metadata: { ...error.metadata } }).finish())];
  if (error.retryAfterMs !== undefined) {
    const ms = Math.max(0, Math.ceil(error.retryAfterMs));
    details.push(pack('google.rpc.RetryInfo', RetryInfo.encode({ retryDelay: { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 } }).finish()));
    details.push(pack('google.rpc.QuotaFailure', QuotaFailure.encode({ violations: [{ subject: context.quotaSubject ?? '', description: error.message }] }).finish()));
  }
  if (context.requestId) details.push(pack('google.rpc.RequestInfo', RequestInfo.encode({ requestId: context.requestId, servingData: '' }).finish()));
  return new AuthServerError(STATUS[error.status], error.message, details, error.reason);
};
