import { codePoints, REASON, ValidationError, Violations } from '@govern/policy-core';
import { isWellFormed, quote } from '../bounded-text';
import { INVALID, isInvalid, type Checked, type Valid } from './checked';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './limits';
import type { PageTokenCodec } from './page-token';
import type { EnumDecoder } from './proto-enum';
import { INT64_MAX, INT64_MIN, isStorableTime, STORABLE_RANGE_TEXT } from './storable-time';

export interface TextOptions {
  /** Empty (or only whitespace) is a REQUIRED violation. Default true. */
  required?: boolean;
  /** In Unicode code points. */
  maxChars?: number;
}

export interface TimeOptions {
  /** The service's clock: a time later than now + limits.clockSkewMs is IN_FUTURE. */
  now?: Date;
  /** Earliest acceptable time (e.g. a window's start), reported as OUT_OF_RANGE. */
  notBefore?: Date;
}

export interface EnumOptions<Name extends string> {
  /** The values this request accepts; another defined value is UNSUPPORTED_VALUE. */
  allowed?: readonly Name[];
}

export interface ListOptions {
  maxItems?: number;
  /** An empty list is a REQUIRED violation. */
  required?: boolean;
}

/** Anything that maps a proto enum number to a name: a codec with `fromProto`, or the function itself. */
export type EnumLike<Name extends string> = EnumDecoder<Name> | ((value: number) => Name | undefined);

const decodeEnum = <Name extends string>(decoder: EnumLike<Name>, value: number): Name | undefined =>
  typeof decoder === 'function' ? decoder(value) : decoder.fromProto(value);

const namesOf = (decoder: EnumLike<string>): string => {
  const names = typeof decoder === 'function' ? undefined : decoder.names;
  return names && names.length > 0 ? `must be one of ${names.join(', ')}` : 'is not a value of this enum';
};

/**
 * Request checks for gRPC handlers. Each check records every problem as a field violation
 * (snake_case proto paths, reasons from REASON) and RETURNS the checked value, or INVALID;
 * `done({...})` throws one ValidationError listing everything, else returns the values typed
 * without INVALID. A domain validator's ValidationError folds in with `absorb`.
 *
 *   const checks = new RequestChecks();
 *   const { requestId, productId, action } = checks.done({
 *     requestId: checks.requestId(request.requestId),
 *     productId: checks.id('product_id', request.productId),
 *     action: checks.enumValue('action', listingActions, request.action),
 *   });
 */
export class RequestChecks extends Violations {
  constructor(readonly limits: RequestLimits = DEFAULT_REQUEST_LIMITS) {
    super();
  }

  /** Throws the collected violations (code: ErrorInfo.reason, default REQUEST.INVALID), else returns `values` without INVALID. */
  done<const T extends Record<string, unknown>>(values: T, code?: string): Valid<T> {
    this.throwIfAny(code);
    for (const [key, value] of Object.entries(values)) {
      // A check that returned INVALID without recording a violation would be a bug in the check.
      if (isInvalid(value)) throw new Error(`request check for ${key} returned INVALID without a violation`);
    }
    return values as Valid<T>;
  }

  /** Text PostgreSQL can store and a client can read back: no NUL, no lone surrogate, bounded, present unless optional. */
  string(field: string, value: string, options: TextOptions = {}): Checked<string> {
    const { required = true, maxChars = this.limits.textMaxChars } = options;
    if (value.includes('\u0000')) return this.invalid(field, 'must not contain NUL (U+0000)', REASON.CONTAINS_NUL);
    if (!isWellFormed(value)) return this.invalid(field, 'must be well-formed Unicode text (no lone surrogate)', REASON.MALFORMED_UTF8);
    if (value.length > maxChars && codePoints(value) > maxChars) return this.invalid(field, `must be at most ${maxChars} characters`, REASON.TOO_LONG);
    if (required && value.trim() === '') return this.invalid(field, 'is required', REASON.REQUIRED);
    return value;
  }

  /** A required id from another system, bounded by `limits.idMaxChars`. */
  id(field: string, value: string, maxChars = this.limits.idMaxChars): Checked<string> {
    return this.string(field, value, { maxChars });
  }

  /** An id that may be left empty (a filter): undefined when empty. */
  optionalId(field: string, value: string, maxChars = this.limits.idMaxChars): Checked<string | undefined> {
    return value === '' ? undefined : this.string(field, value, { maxChars });
  }

  /** The idempotency key of a mutation. */
  requestId(value: string, field = 'request_id'): Checked<string> {
    return this.string(field, value, { maxChars: this.limits.requestIdMaxChars });
  }

  /** Required free text, bounded (default `limits.textMaxChars`). */
  text(field: string, value: string, maxChars = this.limits.textMaxChars): Checked<string> {
    return this.string(field, value, { maxChars });
  }

  /** Free text that may be empty ('' stays ''). */
  optionalText(field: string, value: string, maxChars = this.limits.textMaxChars): Checked<string> {
    return this.string(field, value, { maxChars, required: false });
  }

  /** Bytes bounded in length; required means non-empty. */
  bytes(field: string, value: Uint8Array, options: { maxBytes: number; required?: boolean }): Checked<Uint8Array> {
    if (value.length > options.maxBytes) return this.invalid(field, `must be at most ${options.maxBytes} bytes`, REASON.TOO_LONG);
    if (options.required && value.length === 0) return this.invalid(field, 'is required', REASON.REQUIRED);
    return value;
  }

  /** A sub-message the request needs. */
  present<T>(field: string, value: T | undefined | null): Checked<T> {
    return value === undefined || value === null ? this.invalid(field, 'is required', REASON.REQUIRED) : value;
  }

  /** A list bounded in size (never truncated); items are checked by the caller with `${field}[${i}]`. */
  bounded<T>(field: string, values: readonly T[], options: ListOptions = {}): Checked<readonly T[]> {
    const { maxItems = this.limits.listMaxItems, required = false } = options;
    if (values.length > maxItems) return this.invalid(field, `must have at most ${maxItems} items`, REASON.TOO_MANY_ITEMS);
    if (required && values.length === 0) return this.invalid(field, 'must have at least one item', REASON.REQUIRED);
    return values;
  }

  /** A list of ids (evidence refs, batch lookups): bounded list of bounded ids; `unique` refuses repeats. */
  idList(field: string, values: readonly string[], options: ListOptions & { maxChars?: number; unique?: boolean } = {}): Checked<string[]> {
    if (isInvalid(this.bounded(field, values, options))) return INVALID;
    const seen = new Set<string>();
    let ok = true;
    values.forEach((value, i) => {
      if (isInvalid(this.id(`${field}[${i}]`, value, options.maxChars))) ok = false;
      else if (options.unique && seen.has(value)) {
        this.add(`${field}[${i}]`, `repeats ${quote(value)}`, REASON.DUPLICATE);
        ok = false;
      }
      seen.add(value);
    });
    return ok ? [...values] : INVALID;
  }

  /** An evidence map: bounded entries, non-empty bounded keys, bounded values, all storable text. */
  evidence(field: string, evidence: Readonly<Record<string, string>>, limits = this.limits.evidence): Checked<Record<string, string>> {
    const entries = Object.entries(evidence);
    if (entries.length > limits.maxEntries) return this.invalid(field, `must have at most ${limits.maxEntries} entries`, REASON.TOO_MANY_ITEMS);
    let ok = true;
    for (const [key, value] of entries) {
      const path = `${field}[${quote(key)}]`;
      if (isInvalid(this.string(path, key, { maxChars: limits.keyMaxChars }))) ok = false;
      else if (isInvalid(this.string(path, value, { maxChars: limits.valueMaxChars, required: false }))) ok = false;
    }
    return ok ? { ...evidence } : INVALID;
  }

  /** A required enum: UNSPECIFIED (0) is REQUIRED, a number the contract lacks is UNKNOWN_ENUM_VALUE. */
  enumValue<Name extends string>(field: string, decoder: EnumLike<Name>, value: number, options: EnumOptions<Name> = {}): Checked<Name> {
    if (value === 0) return this.invalid(field, options.allowed ? `must be one of ${options.allowed.join(', ')}` : 'is required', REASON.REQUIRED);
    return this.knownEnum(field, decoder, value, options);
  }

  /** An optional enum (a filter): UNSPECIFIED means "any" (undefined); unknown numbers are violations. */
  optionalEnum<Name extends string>(field: string, decoder: EnumLike<Name>, value: number, options: EnumOptions<Name> = {}): Checked<Name | undefined> {
    return value === 0 ? undefined : this.knownEnum(field, decoder, value, options);
  }

  /** An int64 (amounts in fen, counts) within bounds; defaults are BIGINT's. */
  int64(field: string, value: bigint, bounds: { min?: bigint; max?: bigint } = {}): Checked<bigint> {
    const { min = INT64_MIN, max = INT64_MAX } = bounds;
    return value < min || value > max ? this.invalid(field, `must be between ${min} and ${max}`, REASON.OUT_OF_RANGE) : value;
  }

  /** A double or int32 that must be finite and within bounds. */
  number(field: string, value: number, bounds: { min?: number; max?: number; integer?: boolean } = {}): Checked<number> {
    const { min = -Number.MAX_VALUE, max = Number.MAX_VALUE } = bounds;
    if (!Number.isFinite(value)) return this.invalid(field, 'must be a finite number', REASON.OUT_OF_RANGE);
    if (bounds.integer && !Number.isInteger(value)) return this.invalid(field, 'must be a whole number', REASON.OUT_OF_RANGE);
    return value < min || value > max ? this.invalid(field, `must be between ${min} and ${max}`, REASON.OUT_OF_RANGE) : value;
  }

  /** AIP-158 page size: negative is OUT_OF_RANGE; 0 means the default; above the maximum is brought down to it. */
  pageSize(value: number, bounds: { default: number; max: number } = this.limits.pageSize, field = 'page_size'): Checked<number> {
    if (value < 0) return this.invalid(field, 'must not be negative', REASON.OUT_OF_RANGE);
    return value === 0 ? bounds.default : Math.min(value, bounds.max);
  }

  /** A page token of `codec`: undefined for the first page; anything not issued by it is INVALID_PAGE_TOKEN. */
  pageToken<Key>(codec: PageTokenCodec<Key>, token: string, field = 'page_token'): Checked<Key | undefined> {
    const key = codec.decode(token);
    return isInvalid(key) ? this.invalid(field, 'is not a page token this service issued', REASON.INVALID_PAGE_TOKEN) : key;
  }

  /**
   * A required time. Absent is REQUIRED; a present but impossible or unstorable time is
   * INVALID_TIMESTAMP (never "is required"); later than now + clock skew is IN_FUTURE.
   */
  timestamp(field: string, value: Date | undefined, options: TimeOptions = {}): Checked<Date> {
    if (value === undefined) return this.invalid(field, 'is required', REASON.REQUIRED);
    return this.time(field, value, options);
  }

  /** A time that may be absent (undefined); checked like `timestamp` when present. */
  optionalTimestamp(field: string, value: Date | undefined, options: TimeOptions = {}): Checked<Date | undefined> {
    return value === undefined ? undefined : this.time(field, value, options);
  }

  /** A required time window (`google.type.Interval`-like): both ends valid, end after start, span bounded. */
  window(
    field: string,
    value: { startTime?: Date | undefined; endTime?: Date | undefined } | undefined,
    options: TimeOptions & { maxSpanMs?: number } = {},
  ): Checked<{ start: Date; end: Date }> {
    if (!value) return this.invalid(field, 'is required', REASON.REQUIRED);
    const start = this.timestamp(`${field}.start_time`, value.startTime, options);
    const end = this.timestamp(`${field}.end_time`, value.endTime, { notBefore: options.notBefore });
    if (isInvalid(start) || isInvalid(end)) return INVALID;
    if (end.getTime() <= start.getTime()) return this.invalid(`${field}.end_time`, `must be after ${field}.start_time`, REASON.OUT_OF_RANGE);
    if (options.maxSpanMs !== undefined && end.getTime() - start.getTime() > options.maxSpanMs) {
      return this.invalid(`${field}.end_time`, `must be at most ${options.maxSpanMs} ms after ${field}.start_time`, REASON.OUT_OF_RANGE);
    }
    return { start, end };
  }

  private time(field: string, value: Date, options: TimeOptions): Checked<Date> {
    if (Number.isNaN(value.getTime()) || !isStorableTime(value)) return this.invalid(field, `must be a valid time ${STORABLE_RANGE_TEXT}`, REASON.INVALID_TIMESTAMP);
    if (options.now && value.getTime() > options.now.getTime() + this.limits.clockSkewMs) return this.invalid(field, 'must not be in the future', REASON.IN_FUTURE);
    if (options.notBefore && value.getTime() < options.notBefore.getTime()) {
      return this.invalid(field, `must not be before ${options.notBefore.toISOString()}`, REASON.OUT_OF_RANGE);
    }
    return value;
  }

  private knownEnum<Name extends string>(field: string, decoder: EnumLike<Name>, value: number, options: EnumOptions<Name>): Checked<Name> {
    const name = decodeEnum(decoder, value);
    if (name === undefined) return this.invalid(field, `${namesOf(decoder)} (got ${value})`, REASON.UNKNOWN_ENUM_VALUE);
    if (options.allowed && !options.allowed.includes(name)) return this.invalid(field, `must be one of ${options.allowed.join(', ')}`, REASON.UNSUPPORTED_VALUE);
    return name;
  }

  private invalid(field: string, description: string, reason: string): typeof INVALID {
    this.add(field, description, reason);
    return INVALID;
  }
}

/** Throws a ValidationError for one field (for code paths outside a RequestChecks, e.g. a query helper). */
export const invalidField = (field: string, description: string, reason: string, code?: string): ValidationError =>
  new ValidationError([{ field, description, reason }], code);
