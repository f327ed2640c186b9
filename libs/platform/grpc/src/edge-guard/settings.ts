/**
 * Bounds the edge guard holds every request of every RPC to, before any handler runs. They are
 * backstops well above each service's own rules (the longest text a service accepts is a
 * 100,000-character transcript): the handlers' request checks apply the tight, per-field bounds.
 * A server takes them as a setting (`createGrpcServer({ edgeGuard })`), versioned like a policy.
 */
export interface FieldLimits {
  /** Strings, in Unicode code points. */
  maxChars: number;
  maxBytes: number;
  /** Elements of a repeated field, entries of a map. */
  maxItems: number;
}

export interface EdgeGuardSettings {
  readonly version: string;
  readonly maxStringChars: number;
  readonly maxBytes: number;
  readonly maxRepeatedItems: number;
  readonly maxMapEntries: number;
  /** Nesting of messages within the request (protobuf's own default recursion limit is 100). */
  readonly maxDepth: number;
  /** An answer lists at most this many; the walk stops there. */
  readonly maxViolations: number;
  /**
   * Refuse enum numbers the contract does not define at the edge. Off by default: an unknown
   * number is harmless to store and the handler's `RequestChecks.enumValue` reports it as
   * UNKNOWN_ENUM_VALUE together with every other violation of the request, which an edge refusal
   * would cut short.
   */
  readonly rejectUnknownEnumValues: boolean;
  /** NaN and ±Infinity in double/float fields: no Govern RPC has a meaning for them. */
  readonly rejectNonFiniteNumbers: boolean;
  /** Overrides by full field name, e.g. `govern.content.v1.AssessVideoRequest.transcript`. */
  readonly fields: Readonly<Record<string, Partial<FieldLimits>>>;
}

export const DEFAULT_EDGE_GUARD_SETTINGS: EdgeGuardSettings = {
  version: '2026-12-01.1',
  maxStringChars: 100_000,
  maxBytes: 1024 * 1024,
  maxRepeatedItems: 10_000,
  maxMapEntries: 1_000,
  maxDepth: 32,
  maxViolations: 20,
  rejectUnknownEnumValues: false,
  rejectNonFiniteNumbers: true,
  fields: {},
};
