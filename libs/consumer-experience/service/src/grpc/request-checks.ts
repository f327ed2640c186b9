import { INPUT_POLICY } from '@govern/consumer-experience-domain';
import { ValidationError, Violations } from '@govern/policy-core';
import type { EnumCodec } from '../mapping/enums';

/**
 * Request checks shared by the handlers. Each adds to one Violations collector so a response lists
 * every bad field (snake_case proto paths); domain validators that throw are folded into it too.
 */

/** Ids from other systems: present and bounded. */
export const MAX_ID_LENGTH = 128;

export const requireId = (v: Violations, field: string, value: string): boolean => v.require(field, value) && v.maxLength(field, value, MAX_ID_LENGTH);

export const optionalId = (v: Violations, field: string, value: string): boolean => v.maxLength(field, value, MAX_ID_LENGTH);

export const requireEnum = <D extends string>(v: Violations, field: string, value: number, codec: EnumCodec<number, D>): D | undefined => {
  const word = codec.toDomain(value);
  v.check(word !== undefined, field, `must be one of ${codec.values.join(', ')}`, 'REQUIRED');
  return word;
};

export const boundedText = (v: Violations, field: string, value: string, max = INPUT_POLICY.maxTextLength): boolean => v.maxLength(field, value, max);

/** Evidence references: a bounded list of bounded keys. */
export const evidenceList = (v: Violations, field: string, refs: readonly string[]): boolean =>
  v.maxItems(field, refs, INPUT_POLICY.maxEvidenceRefs) && refs.every((ref, i) => v.maxLength(`${field}[${i}]`, ref, 512));

/**
 * Runs checks into one collector; a domain validator that throws a ValidationError adds its
 * violations instead of cutting the list short. Throws once, with the first specific code seen.
 */
export const checkAll = (code: string, ...checks: ((v: Violations) => void)[]): void => {
  const v = new Violations();
  let specificCode: string | undefined;
  for (const check of checks) {
    try {
      check(v);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const violation of error.violations) v.add(violation.field, violation.description, violation.reason);
      specificCode ??= error.code;
    }
  }
  v.throwIfAny(specificCode ?? code);
};

/** AIP-158 page size: 0 means the default; above the maximum it is lowered to it; negative is refused. */
export const pageSizeOf = (v: Violations, value: number, fallback: number, max: number): number => {
  v.check(value >= 0, 'page_size', 'must not be negative', 'NEGATIVE_PAGE_SIZE');
  if (value <= 0) return fallback;
  return Math.min(value, max);
};
