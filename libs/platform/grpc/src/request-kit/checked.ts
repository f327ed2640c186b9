/**
 * What a failed check returns in place of the value. Every check that returns INVALID has
 * recorded a violation, so once `RequestChecks.done` has not thrown, no value is INVALID and
 * `Valid<T>` drops it from the types: no `let x; check(); x as NonNullable<…>`.
 */
export const INVALID: unique symbol = Symbol('invalid request value');
export type Invalid = typeof INVALID;
export type Checked<T> = T | Invalid;
export type Valid<T> = { [K in keyof T]: Exclude<T[K], Invalid> };

export const isInvalid = (value: unknown): value is Invalid => value === INVALID;
