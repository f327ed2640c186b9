import { type FieldViolation, ValidationError } from './domain-error';

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

  check(ok: boolean, field: string, description: string, reason = 'INVALID'): boolean {
    if (!ok) this.add(field, description, reason);
    return ok;
  }

  /** A required string: present and not only whitespace. */
  require(field: string, value: string | undefined | null): boolean {
    return this.check(typeof value === 'string' && value.trim().length > 0, field, 'is required', 'REQUIRED');
  }

  /** A string bounded in length (counted in Unicode code points). */
  maxLength(field: string, value: string | undefined, max: number): boolean {
    return this.check(value === undefined || [...value].length <= max, field, `must be at most ${max} characters`, 'TOO_LONG');
  }

  /** A list bounded in size: oversized lists are rejected, never truncated. */
  maxItems(field: string, value: readonly unknown[] | undefined, max: number): boolean {
    return this.check(value === undefined || value.length <= max, field, `must have at most ${max} items`, 'TOO_MANY_ITEMS');
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
