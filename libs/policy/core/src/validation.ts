import { type FieldViolation, ValidationError } from './domain-error';

/**
 * The one vocabulary of `FieldViolation.reason`: the same client mistake gets the same reason in
 * every service, whichever layer (edge guard, request checks, domain validator) finds it.
 * Service-specific rules may add their own reasons (`CHECK_DIGIT_MISMATCH`), never synonyms of these.
 */
export const REASON = {
  /** Absent, empty or only whitespace where a value is needed; an enum left UNSPECIFIED. */
  REQUIRED: 'REQUIRED',
  /** A string, bytes or token longer than allowed. */
  TOO_LONG: 'TOO_LONG',
  /** A repeated field or map with more entries than allowed. */
  TOO_MANY_ITEMS: 'TOO_MANY_ITEMS',
  /** An enum number the contract does not define. */
  UNKNOWN_ENUM_VALUE: 'UNKNOWN_ENUM_VALUE',
  /** An enum value the contract defines but this request does not accept (e.g. a trigger only the service itself uses). */
  UNSUPPORTED_VALUE: 'UNSUPPORTED_VALUE',
  /** A number (or a time window) outside its allowed bounds; negative page sizes; non-finite doubles. */
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  /** A Timestamp that is not a valid time (nanos outside 0..999,999,999) or outside 0001-01-01..9999-12-31. */
  INVALID_TIMESTAMP: 'INVALID_TIMESTAMP',
  /** A time ahead of the service's clock by more than the allowed skew. */
  IN_FUTURE: 'IN_FUTURE',
  /** A page token this service did not issue (or for another list). */
  INVALID_PAGE_TOKEN: 'INVALID_PAGE_TOKEN',
  /** A string with a U+0000 character (PostgreSQL cannot store it in text or JSON). */
  CONTAINS_NUL: 'CONTAINS_NUL',
  /** A string whose bytes are not well-formed UTF-8 (or text with a lone surrogate). */
  MALFORMED_UTF8: 'MALFORMED_UTF8',
  /** Request bytes that do not decode as the request message. */
  MALFORMED_MESSAGE: 'MALFORMED_MESSAGE',
  /** A value whose shape is wrong for the field (an account name, an ISO code). */
  INVALID_FORMAT: 'INVALID_FORMAT',
  /** The same item twice where each must be unique. */
  DUPLICATE: 'DUPLICATE',
  /** Anything else a generic check finds wrong (Violations.check's default). */
  INVALID: 'INVALID',
} as const;

export type ViolationReason = (typeof REASON)[keyof typeof REASON];

/**
 * Collects field violations while a request is checked, then throws them together.
 * Use-case code reads as a list of rules:
 *
 *   const v = new Violations();
 *   v.require('merchant_id', req.merchantId);
 *   v.check(amount > 0n, 'amount_fen', 'must be positive', 'OUT_OF_RANGE');
 *   v.throwIfAny();
 */
export class Violations {
  private readonly list: FieldViolation[] = [];

  add(field: string, description: string, reason: string): this {
    this.list.push({ field, description, reason });
    return this;
  }

  check(ok: boolean, field: string, description: string, reason: string = REASON.INVALID): boolean {
    if (!ok) this.add(field, description, reason);
    return ok;
  }

  /** A required string: present and not only whitespace. */
  require(field: string, value: string | undefined | null): boolean {
    return this.check(typeof value === 'string' && value.trim().length > 0, field, 'is required', REASON.REQUIRED);
  }

  /** A string bounded in length (counted in Unicode code points). */
  maxLength(field: string, value: string | undefined, max: number): boolean {
    return this.check(value === undefined || value.length <= max || codePoints(value) <= max, field, `must be at most ${max} characters`, REASON.TOO_LONG);
  }

  /** A list bounded in size: oversized lists are rejected, never truncated. */
  maxItems(field: string, value: readonly unknown[] | undefined, max: number): boolean {
    return this.check(value === undefined || value.length <= max, field, `must have at most ${max} items`, REASON.TOO_MANY_ITEMS);
  }

  /**
   * Runs a validator that throws ValidationError (a domain rule, another checker) and adds its
   * violations here, each field under `prefix` (`listing` + `title` = `listing.title`), so one
   * answer lists every violation. Returns what the validator returned, or undefined if it threw.
   * Any other error propagates.
   */
  absorb<T>(validate: () => T, prefix = ''): T | undefined {
    try {
      return validate();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const v of error.violations) this.add(prefix && v.field ? `${prefix}.${v.field}` : prefix || v.field, v.description, v.reason);
      return undefined;
    }
  }

  get any(): boolean {
    return this.list.length > 0;
  }

  get items(): readonly FieldViolation[] {
    return this.list;
  }

  throwIfAny(code?: string): void {
    if (this.list.length > 0) throw new ValidationError([...this.list], code);
  }
}

/** Unicode code points of `text` (UTF-16 length overcounts astral characters such as emoji). */
export const codePoints = (text: string): number => {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
};
