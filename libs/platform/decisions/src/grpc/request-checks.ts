import { createHash } from 'node:crypto';
import type { ResourceRef as ResourceRefProto, TimeWindow as TimeWindowProto } from '@govern/contracts-common';
import { Violations } from '@govern/policy-core';
import { decodeDecisionJson } from '../codec/decision-json';
import type { ResourceRef } from '../kinds/decision-kind';
import type { DecisionKey, TimeWindow } from '../store/decision-store';

/**
 * Request checks of the ops service, kept small and local on purpose: each returns the
 * checked value (or undefined after adding a violation), so they can be swapped for the
 * platform-grpc request kit when it lands without touching the handlers' logic.
 */
export class OpsChecks extends Violations {
  /** An optional bounded string ('' stays undefined). */
  optional(field: string, value: string, max: number): string | undefined {
    if (value === '') return undefined;
    return this.maxLength(field, value, max) ? value : undefined;
  }

  /** A required bounded string. */
  required(field: string, value: string, max: number): string {
    this.require(field, value);
    this.maxLength(field, value, max);
    return value;
  }

  /** A count with a default for 0, refused below 0, held to `max` above it (AIP-158). */
  count(field: string, value: number | bigint, fallback: number, max: number): number {
    const n = Number(value);
    if (!this.check(Number.isSafeInteger(n) && n >= 0, field, 'must not be negative', 'OUT_OF_RANGE')) return fallback;
    return n === 0 ? fallback : Math.min(n, max);
  }

  subject(field: string, value: ResourceRefProto | undefined): ResourceRef | undefined {
    if (!value) return undefined;
    const ok = [this.require(`${field}.type`, value.type), this.maxLength(`${field}.type`, value.type, 64), this.require(`${field}.id`, value.id), this.maxLength(`${field}.id`, value.id, 256)];
    return ok.every(Boolean) ? { type: value.type, id: value.id } : undefined;
  }

  /** A window with both bounds, start before end; undefined when absent and not required. */
  window(field: string, value: TimeWindowProto | undefined, required: boolean): TimeWindow | undefined {
    if (!value || (!value.startTime && !value.endTime)) {
      if (required) this.add(field, 'is required', 'REQUIRED');
      return undefined;
    }
    const { startTime, endTime } = value;
    if (!startTime) this.add(`${field}.start_time`, 'is required', 'REQUIRED');
    if (!endTime) this.add(`${field}.end_time`, 'is required', 'REQUIRED');
    if (!startTime || !endTime) return undefined;
    if (!this.check(startTime < endTime, field, 'start_time must be before end_time', 'WINDOW_OUT_OF_ORDER')) return undefined;
    return { start: startTime, end: endTime };
  }

  /** JSON in the decision codec (at most 64 KiB). */
  decisionJson(field: string, value: string): unknown {
    if (!this.check(value.length <= 65_536, field, 'must be at most 64 KiB', 'TOO_LONG')) return undefined;
    try {
      return decodeDecisionJson(value);
    } catch (error) {
      this.add(field, `is not JSON in the decision codec: ${(error as Error).message.slice(0, 120)}`, 'INVALID_JSON');
      return undefined;
    }
  }

  /** A keyset token this service issued for the same filters. */
  pageToken(field: string, token: string, filters: unknown): DecisionKey | undefined {
    if (token === '') return undefined;
    const fail = (): undefined => {
      this.add(field, 'is not a token this service issued for these filters', 'INVALID_PAGE_TOKEN');
      return undefined;
    };
    if (token.length > 256) return fail();
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
      if (!Array.isArray(parsed) || parsed.length !== 3) return fail();
      const [time, id, filterHash] = parsed as unknown[];
      if (typeof time !== 'string' || typeof id !== 'string' || filterHash !== hashOf(filters) || !/^\d{1,19}$/.test(id)) return fail();
      const decidedAt = new Date(time);
      if (Number.isNaN(decidedAt.getTime()) || decidedAt.toISOString() !== time) return fail();
      return { decidedAt, id: BigInt(id) };
    } catch {
      return fail();
    }
  }
}

const hashOf = (filters: unknown): string => createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 12);

/** The token of the page after `last`, bound to the filters it was issued for. */
export const pageTokenAfter = (last: DecisionKey, filters: unknown): string =>
  Buffer.from(JSON.stringify([last.decidedAt.toISOString(), last.id.toString(), hashOf(filters)]), 'utf8').toString('base64url');

/** A value the checks guaranteed (they threw otherwise); narrows the type for the call. */
export const checked = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('a checked request field is missing');
  return value;
};
