import { BadRequest, ErrorInfo } from '@govern/contracts-common';
import { ServerError, Status } from 'nice-grpc-common';
import { BadRequest as BadRequestDetail, RichServerError } from 'nice-grpc-error-details';
import { describe, expect, it } from 'vitest';
import { boundServerError, DEFAULT_ANSWER_LIMITS, encodeAnswer, trailerBytes, type Answer } from './bounded-answer';
import { quote, toHeaderValue, truncate } from './bounded-text';

const base: Answer = { code: Status.INVALID_ARGUMENT, message: 'bad', reason: 'REQUEST.INVALID', domain: 'test.govern', metadata: {}, requestId: 'r-1' };

const decodeDetails = (details: ReturnType<typeof encodeAnswer>['details']) => ({
  info: ErrorInfo.decode(details[0]?.value as Uint8Array),
  badRequest: details[1]?.typeUrl.endsWith('BadRequest') ? BadRequest.decode(details[1].value) : undefined,
});

describe('bounded answers', () => {
  it('the worst case a handler can throw still fits the trailer budget', () => {
    const huge = '退'.repeat(100_000);
    const answer = encodeAnswer({
      ...base,
      message: huge,
      reason: huge,
      metadata: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`${'k'.repeat(1_000)}${i}`, huge])),
      fieldViolations: Array.from({ length: 10_000 }, () => ({ field: huge, description: huge, reason: huge })),
      precondition: { type: huge, subject: huge, description: huge },
      requestId: huge,
    });
    expect(trailerBytes(answer.code, answer.message, answer.details)).toBeLessThanOrEqual(DEFAULT_ANSWER_LIMITS.maxTrailerBytes);
    expect(answer.message.length).toBeLessThanOrEqual(DEFAULT_ANSWER_LIMITS.messageMaxChars);
    const { badRequest } = decodeDetails(answer.details);
    expect(badRequest?.fieldViolations.length).toBeGreaterThanOrEqual(2);
    expect(badRequest?.fieldViolations.at(-1)).toMatchObject({ reason: 'TRUNCATED' });
  });

  it('keeps an ordinary answer whole', () => {
    const answer = encodeAnswer({ ...base, metadata: { product_id: 'p-1' }, fieldViolations: [{ field: 'listing.title', description: 'is required', reason: 'REQUIRED' }] });
    expect(answer.message).toBe('bad');
    const { info, badRequest } = decodeDetails(answer.details);
    expect(info).toMatchObject({ reason: 'REQUEST.INVALID', domain: 'test.govern', metadata: { product_id: 'p-1' } });
    expect(badRequest?.fieldViolations).toEqual([{ field: 'listing.title', description: 'is required', reason: 'REQUIRED', localizedMessage: undefined }]);
  });

  it('cuts a ServerError a handler built itself, dropping details that no longer fit', () => {
    const plain = boundServerError(new ServerError(Status.NOT_FOUND, `no product ${'p'.repeat(70_000)}`));
    expect(plain.details.length).toBeLessThanOrEqual(DEFAULT_ANSWER_LIMITS.messageMaxChars);
    const rich = new RichServerError(Status.INVALID_ARGUMENT, 'x', [BadRequestDetail.fromPartial({ fieldViolations: [{ field: 'f', description: 'd'.repeat(20_000) }] })]);
    expect(boundServerError(rich)).not.toBeInstanceOf(RichServerError);
    const fine = new RichServerError(Status.INVALID_ARGUMENT, 'x', [BadRequestDetail.fromPartial({ fieldViolations: [{ field: 'f', description: 'd' }] })]);
    expect(boundServerError(fine)).toBe(fine);
    const small = new ServerError(Status.NOT_FOUND, 'no product p-1');
    expect(boundServerError(small)).toBe(small);
  });
});

describe('bounded text', () => {
  it('never cuts a surrogate pair in half and replaces lone surrogates', () => {
    expect(truncate('🙂🙂🙂', 4)).toBe('🙂…');
    expect(truncate('a\ud800b', 10)).toBe('a\ufffdb');
    expect(quote('a\u0000b')).toBe('"a\\u0000b"');
  });

  it('makes header values of any text', () => {
    expect(toHeaderValue('req-1', 128)).toBe('req-1');
    expect(toHeaderValue('退款-1', 128)).toBe('%E9%80%80%E6%AC%BE-1');
    expect(toHeaderValue('a b%', 128)).toBe('a%20b%25');
    expect(toHeaderValue('退'.repeat(1_000), 128).length).toBeLessThanOrEqual(384);
    expect(toHeaderValue('x\ud800', 128)).toBe('x%EF%BF%BD');
  });
});
