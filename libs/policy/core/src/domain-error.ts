/**
 * Errors that domain code raises. Each carries a stable code (e.g. `LISTING.THREE_NO`)
 * and a kind; the gRPC edge maps the kind to a status once (platform-grpc), so domain
 * code never knows about transports.
 */
export type ErrorKind =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'ABORTED'
  | 'DEADLINE_EXCEEDED'
  | 'UNAVAILABLE';

export interface FieldViolation {
  /** Path of the offending field in the request, e.g. `application.bank_account`. */
  field: string;
  /** What is wrong, for a human. */
  description: string;
  /** Stable UPPER_SNAKE_CASE reason, e.g. `REQUIRED`, `CHECK_DIGIT_MISMATCH`. */
  reason: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly metadata: Readonly<Record<string, string>> = {},
    /**
     * A refusal that is not final (the state it needs is on its way): the caller may send the same
     * request again after this long. The gRPC edge answers it as google.rpc.RetryInfo (AIP-194).
     */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Bad input: every offending field is listed so the caller can fix them all at once. */
export class ValidationError extends DomainError {
  constructor(
    readonly violations: readonly FieldViolation[],
    code = 'REQUEST.INVALID',
  ) {
    super('INVALID_ARGUMENT', code, violations.map((v) => `${v.field}: ${v.description}`).join('; '));
    this.name = 'ValidationError';
  }
}

export const notFound = (code: string, message: string, metadata?: Record<string, string>): DomainError =>
  new DomainError('NOT_FOUND', code, message, metadata);

export const failedPrecondition = (code: string, message: string, metadata?: Record<string, string>): DomainError =>
  new DomainError('FAILED_PRECONDITION', code, message, metadata);

export const alreadyExists = (code: string, message: string, metadata?: Record<string, string>): DomainError =>
  new DomainError('ALREADY_EXISTS', code, message, metadata);
