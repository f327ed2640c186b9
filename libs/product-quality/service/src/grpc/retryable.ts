import { Status } from 'nice-grpc-common';
import { ErrorInfo, PreconditionFailure, RequestInfo, RetryInfo, RichServerError } from 'nice-grpc-error-details';
import { DomainError } from '@govern/policy-core';
import type { Call } from './handler-context';

/**
 * Refusals that are not final: the state the request needs is on its way (an event from another
 * service), so the same request, sent again after the delay, can succeed. Nothing was recorded.
 */
const RETRY_AFTER_MS: Readonly<Record<string, number>> = {
  'LISTING.MERCHANT_NOT_YET_KNOWN': 1_000,
};

/**
 * Adds google.rpc.RetryInfo to those refusals (AIP-194: FAILED_PRECONDITION a client may retry once
 * the precondition can hold). Why here and not in the platform's error mapper: the mapper
 * (`libs/platform/grpc/src/error-mapper.ts`) builds ErrorInfo, PreconditionFailure and RequestInfo
 * but has no way for a DomainError to ask for a RetryInfo, and platform libs are not this service's
 * to change; so this builds the same answer the mapper would, plus RetryInfo. The mapper passes a
 * RichServerError through, bounding it (its texts here are short and ours).
 */
export const withRetryInfo = async <T>(call: Call, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    const delayMs = error instanceof DomainError && error.kind === 'FAILED_PRECONDITION' ? RETRY_AFTER_MS[error.code] : undefined;
    if (!(error instanceof DomainError) || delayMs === undefined) throw error;
    throw new RichServerError(Status.FAILED_PRECONDITION, error.message, [
      ErrorInfo.fromPartial({ reason: error.code, domain: 'product-quality.govern', metadata: { ...error.metadata } }),
      PreconditionFailure.fromPartial({ violations: [{ type: error.code, subject: error.metadata['subject'] ?? '', description: error.message }] }),
      RetryInfo.fromPartial({ retryDelay: { seconds: Math.floor(delayMs / 1000), nanos: (delayMs % 1000) * 1_000_000 } }),
      RequestInfo.fromPartial({ requestId: call.requestId }),
    ]);
  }
};
