import { ValidationError, Violations } from '@govern/policy-core';

/** The bounds of request fields that are not business policy: ids, pages, free text. */
export const REQUEST_LIMITS = {
  requestIdMaxLength: 128,
  idMaxLength: 128,
  defaultPageSize: 50,
  maxPageSize: 500,
  maxBatchMerchantIds: 500,
  pageTokenMaxLength: 512,
} as const;

/** A new collector with the idempotency key checked the way runMutation checks it. */
export const mutationViolations = (requestId: string): Violations => {
  const v = new Violations();
  if (v.require('request_id', requestId)) v.maxLength('request_id', requestId, REQUEST_LIMITS.requestIdMaxLength);
  return v;
};

/** A required id field, bounded. */
export const requireId = (v: Violations, field: string, value: string): boolean =>
  v.require(field, value) && v.maxLength(field, value, REQUEST_LIMITS.idMaxLength);

/** Runs a validation that throws ValidationError and adds its violations to `v`, so one error lists everything. */
export const collect = <T>(v: Violations, validate: () => T): T | undefined => {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const item of error.violations) v.add(item.field, item.description, item.reason);
    return undefined;
  }
};

/** page_size: 0 means the default, above the maximum is coerced to it (AIP-158), negative is invalid. */
export const pageSizeOf = (v: Violations, pageSize: number): number => {
  v.check(pageSize >= 0, 'page_size', 'must not be negative', 'OUT_OF_RANGE');
  if (pageSize <= 0) return REQUEST_LIMITS.defaultPageSize;
  return Math.min(pageSize, REQUEST_LIMITS.maxPageSize);
};
