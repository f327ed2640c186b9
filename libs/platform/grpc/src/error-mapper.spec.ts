import { BadRequest, ErrorInfo, PreconditionFailure, RequestInfo, RetryInfo } from '@govern/contracts-common';
import { alreadyExists, DomainError, ValidationError, type ErrorKind } from '@govern/policy-core';
import { ServerError, Status } from 'nice-grpc-common';
import { RichServerError } from 'nice-grpc-error-details';
import { describe, expect, it, vi } from 'vitest';
import { shutdownAbortReason, toServerError, type ErrorMappingContext } from './error-mapper';

const NOW = Date.parse('2026-11-02T10:00:00Z');

const context = (overrides: Partial<ErrorMappingContext> = {}): ErrorMappingContext => ({
  serviceName: 'merchant-access',
  requestId: 'req-1',
  log: { error: vi.fn() },
  now: () => NOW,
  ...overrides,
});

/** What a client would decode from grpc-status-details-bin. */
const details = (error: ServerError) => {
  const extra = error instanceof RichServerError ? error.extra : [];
  const out: Record<string, unknown> = {};
  for (const any of extra) {
    if (!('typeUrl' in any)) continue;
    const type = any.typeUrl.replace('type.googleapis.com/', '');
    if (type === 'google.rpc.ErrorInfo') out['errorInfo'] = ErrorInfo.decode(any.value);
    if (type === 'google.rpc.BadRequest') out['badRequest'] = BadRequest.decode(any.value);
    if (type === 'google.rpc.PreconditionFailure') out['preconditionFailure'] = PreconditionFailure.decode(any.value);
    if (type === 'google.rpc.RequestInfo') out['requestInfo'] = RequestInfo.decode(any.value);
    if (type === 'google.rpc.RetryInfo') out['retryInfo'] = RetryInfo.decode(any.value);
  }
  return out;
};

describe('toServerError', () => {
  it.each<[ErrorKind, Status]>([
    ['INVALID_ARGUMENT', Status.INVALID_ARGUMENT],
    ['NOT_FOUND', Status.NOT_FOUND],
    ['ALREADY_EXISTS', Status.ALREADY_EXISTS],
    ['FAILED_PRECONDITION', Status.FAILED_PRECONDITION],
    ['PERMISSION_DENIED', Status.PERMISSION_DENIED],
    ['RESOURCE_EXHAUSTED', Status.RESOURCE_EXHAUSTED],
    ['ABORTED', Status.ABORTED],
    ['DEADLINE_EXCEEDED', Status.DEADLINE_EXCEEDED],
    ['UNAVAILABLE', Status.UNAVAILABLE],
  ])('DomainError %s → %s with ErrorInfo { reason: code, domain: <service>.govern, metadata }', (kind, status) => {
    const error = toServerError(new DomainError(kind, 'MERCHANT.X', 'something about m-1', { merchant_id: 'm-1' }), context());
    expect(error.code).toBe(status);
    expect(error.details).toBe('something about m-1');
    expect(details(error)).toMatchObject({
      errorInfo: { reason: 'MERCHANT.X', domain: 'merchant-access.govern', metadata: { merchant_id: 'm-1' } },
      requestInfo: { requestId: 'req-1' },
    });
  });

  it('ValidationError → INVALID_ARGUMENT with every field violation, reasons included', () => {
    const error = toServerError(
      new ValidationError([
        { field: 'application.licence_code', description: 'check digit does not match', reason: 'CHECK_DIGIT_MISMATCH' },
        { field: 'application.categories', description: 'at most 20', reason: 'TOO_MANY' },
      ]),
      context(),
    );
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(details(error)).toMatchObject({
      errorInfo: { reason: 'REQUEST.INVALID', domain: 'merchant-access.govern' },
      badRequest: {
        fieldViolations: [
          { field: 'application.licence_code', description: 'check digit does not match', reason: 'CHECK_DIGIT_MISMATCH' },
          { field: 'application.categories', description: 'at most 20', reason: 'TOO_MANY' },
        ],
      },
    });
  });

  it('FAILED_PRECONDITION also says which precondition failed', () => {
    const error = toServerError(new DomainError('FAILED_PRECONDITION', 'APPEAL.WINDOW_CLOSED', 'the appeal window closed', { subject: 'cases/c-1' }), context());
    expect(details(error)['preconditionFailure']).toEqual({
      violations: [{ type: 'APPEAL.WINDOW_CLOSED', subject: 'cases/c-1', description: 'the appeal window closed' }],
    });
  });

  it('a refusal that is not final says when to retry (RetryInfo); a final one does not', () => {
    const later = toServerError(new DomainError('FAILED_PRECONDITION', 'LISTING.MERCHANT_NOT_YET_KNOWN', 'not known yet', {}, 1_500), context());
    expect(details(later)['retryInfo']).toEqual({ retryDelay: { seconds: 1n, nanos: 500_000_000 } });
    const final = toServerError(new DomainError('FAILED_PRECONDITION', 'APPEAL.WINDOW_CLOSED', 'the appeal window closed'), context());
    expect(details(final)['retryInfo']).toBeUndefined();
  });

  it('other kinds carry no BadRequest', () => {
    expect(details(toServerError(alreadyExists('MERCHANT.DUPLICATE', 'exists'), context()))['badRequest']).toBeUndefined();
  });

  it('a ServerError passes through untouched', () => {
    const thrown = new ServerError(Status.OUT_OF_RANGE, 'page_token expired');
    expect(toServerError(thrown, context())).toBe(thrown);
  });

  it('anything else → INTERNAL with a generic message; the error is logged, not sent', () => {
    const log = { error: vi.fn() };
    const bug = new TypeError("Cannot read properties of undefined (reading 'licenceCode')");
    const error = toServerError(bug, context({ log }));
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toBe('Internal error (request_id req-1)');
    expect(JSON.stringify(details(error))).not.toContain('licenceCode');
    expect(details(error)).toMatchObject({ errorInfo: { reason: 'INTERNAL' }, requestInfo: { requestId: 'req-1' } });
    expect(log.error).toHaveBeenCalledWith({ err: bug }, 'unexpected error in handler');
  });

  describe('aborted work', () => {
    const abort = () => new DOMException('This operation was aborted', 'AbortError');

    it('→ DEADLINE_EXCEEDED once the deadline has passed', () => {
      expect(toServerError(abort(), context({ deadline: new Date(NOW - 1) })).code).toBe(Status.DEADLINE_EXCEEDED);
    });

    it('→ CANCELLED when the client went away well before its deadline', () => {
      expect(toServerError(abort(), context({ deadline: new Date(NOW + 5_000) })).code).toBe(Status.CANCELLED);
      expect(toServerError(abort(), context()).code).toBe(Status.CANCELLED);
    });

    it('→ UNAVAILABLE when the server ended the call on shutdown (so the client retries elsewhere)', () => {
      const controller = new AbortController();
      controller.abort(shutdownAbortReason());
      expect(toServerError(controller.signal.reason, context({ signal: controller.signal })).code).toBe(Status.UNAVAILABLE);
    });

    it('recognises a rethrown non-Error abort reason', () => {
      const controller = new AbortController();
      controller.abort('client closed');
      expect(toServerError('client closed', context({ signal: controller.signal })).code).toBe(Status.CANCELLED);
    });
  });
});
