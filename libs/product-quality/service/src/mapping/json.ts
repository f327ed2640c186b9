import type { Reason as ProtoReason, PolicyRef as ProtoPolicyRef } from '@govern/contracts-common';
import type { PolicyRef, Reason } from '@govern/policy-core';

/**
 * Reasons, lists and small records are stored as JSON (jsonb). These read them back with the
 * shape we wrote; Prisma hands JSON columns over as `unknown`-ish JsonValue.
 */
export const jsonStrings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : []);

export const jsonReasons = (value: unknown): Reason[] =>
  Array.isArray(value)
    ? value.map((r: { code?: unknown; message?: unknown; evidence?: unknown; weight?: unknown }) => ({
        code: String(r.code ?? ''),
        message: String(r.message ?? ''),
        evidence: Object.fromEntries(Object.entries((r.evidence as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v)])),
        weight: typeof r.weight === 'number' ? r.weight : 0,
      }))
    : [];

/** A reason as stored: a plain JSON object (a type alias, so Prisma's JSON input accepts it). */
export type StoredReason = { code: string; message: string; evidence: { [key: string]: string }; weight: number };

/** Reasons as stored: plain objects, evidence copied (domain reasons may be frozen policy data). */
export const reasonsJson = (reasons: readonly Reason[]): StoredReason[] =>
  reasons.map((r) => ({ code: r.code, message: r.message, evidence: { ...r.evidence }, weight: r.weight }));

export const toProtoReasons = (reasons: readonly Reason[]): ProtoReason[] =>
  reasons.map((r) => ({ code: r.code, message: r.message, evidence: { ...r.evidence }, weight: r.weight }));

export const toProtoPolicy = (name: string | null | undefined, version: string | null | undefined): ProtoPolicyRef | undefined =>
  name ? { name, version: version ?? '' } : undefined;

export const policyOf = (policy: PolicyRef): ProtoPolicyRef => ({ name: policy.name, version: policy.version });
