import { REQUEST_LIMITS_POLICY, type RequestLimitsPolicy } from '@govern/product-quality-domain';
import { Violations } from '@govern/policy-core';
import type { EnumCodec } from '../mapping/enums';

/**
 * Request checks shared by the handlers. Each adds field violations (snake_case proto paths)
 * to one collector, so a bad request lists every problem at once and nothing is written.
 */
export class RequestChecks extends Violations {
  constructor(readonly limits: RequestLimitsPolicy = REQUEST_LIMITS_POLICY) {
    super();
  }

  /** A required id, bounded. */
  id(field: string, value: string): boolean {
    return this.require(field, value) && this.maxLength(field, value, this.limits.idMaxChars);
  }

  /** An id that may be empty, bounded when present. */
  optionalId(field: string, value: string): boolean {
    return this.maxLength(field, value, this.limits.idMaxChars);
  }

  /** A required free text, bounded. */
  text(field: string, value: string, max = this.limits.noteMaxChars): boolean {
    return this.require(field, value) && this.maxLength(field, value, max);
  }

  /** Free text that may be empty, bounded. */
  optionalText(field: string, value: string, max = this.limits.noteMaxChars): boolean {
    return this.maxLength(field, value, max);
  }

  /** Evidence references: bounded list of bounded, non-empty strings. */
  refs(field: string, refs: readonly string[], maxItems = this.limits.evidenceMaxEntries): boolean {
    if (!this.maxItems(field, refs, maxItems)) return false;
    refs.forEach((ref, i) => this.id(`${field}[${i}]`, ref));
    return true;
  }

  /** Evidence map: bounded entries, keys and values. */
  evidence(field: string, evidence: Readonly<Record<string, string>>): boolean {
    const entries = Object.entries(evidence);
    if (!this.check(entries.length <= this.limits.evidenceMaxEntries, field, `must have at most ${this.limits.evidenceMaxEntries} entries`, 'TOO_MANY_ITEMS')) return false;
    for (const [key, value] of entries) {
      this.check(key.trim() !== '' && [...key].length <= this.limits.evidenceKeyMaxChars, `${field}[${key}]`, `keys must be 1-${this.limits.evidenceKeyMaxChars} characters`, 'INVALID');
      this.maxLength(`${field}[${key}]`, value, this.limits.evidenceValueMaxChars);
    }
    return true;
  }

  /** A required proto enum: UNSPECIFIED and unknown numbers are violations. */
  enumValue<Name extends string>(field: string, codec: EnumCodec<Name>, value: number): Name | undefined {
    const name = codec.fromProto(value);
    this.check(name !== undefined, field, `must be one of ${codec.names.join(', ')}`, 'UNKNOWN_VALUE');
    return name;
  }

  /** An optional proto enum filter: UNSPECIFIED means "any"; unknown numbers are violations. */
  optionalEnum<Name extends string>(field: string, codec: EnumCodec<Name>, value: number): Name | undefined {
    if (value === 0) return undefined;
    return this.enumValue(field, codec, value);
  }

  /** A reported time must not be ahead of our clock by more than the allowed skew. */
  notInFuture(field: string, value: Date | undefined, now: Date): boolean {
    return this.check(value === undefined || value.getTime() <= now.getTime() + this.limits.clockSkewMs, field, 'must not be in the future', 'IN_FUTURE');
  }

  /** Page size: negative is refused; 0 means the default; above the maximum is brought down to it (AIP-158). */
  pageSize(field: string, value: number, bounds: { default: number; max: number } = this.limits.pageSize): number {
    this.check(value >= 0, field, 'must not be negative', 'OUT_OF_RANGE');
    return value <= 0 ? bounds.default : Math.min(value, bounds.max);
  }
}
