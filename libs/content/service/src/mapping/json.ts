import type { PenaltyRow, Prisma } from '@govern/content-data-access';
import type { EngagementFigures, LivestreamSnapshot, PenaltyRecord, PenaltyState, QualityScores, Tier, Violation } from '@govern/content-domain';
import type { Reason } from '@govern/policy-core';
import type { PenaltySourceName } from './enums';

/**
 * JSONB columns hold domain values as they are (reasons, violations, quality, snapshots, id
 * lists). These helpers are the one place where a column's JSON is read back as its type.
 */
export const toJson = (value: unknown): Prisma.InputJsonValue => value as Prisma.InputJsonValue;

const arrayOf = <T>(json: Prisma.JsonValue | null | undefined): T[] => (Array.isArray(json) ? (json as unknown as T[]) : []);

export const reasonsOf = (json: Prisma.JsonValue | null | undefined): Reason[] => arrayOf<Reason>(json);
export const violationsOf = (json: Prisma.JsonValue | null | undefined): Violation[] => arrayOf<Violation>(json);
export const stringsOf = (json: Prisma.JsonValue | null | undefined): string[] => arrayOf<string>(json);
export const qualityOf = (json: Prisma.JsonValue): QualityScores => json as unknown as QualityScores;
export const engagementOf = (json: Prisma.JsonValue | null): EngagementFigures | undefined =>
  json === null || typeof json !== 'object' ? undefined : (json as unknown as EngagementFigures);
export const snapshotOf = (json: Prisma.JsonValue): LivestreamSnapshot => json as unknown as LivestreamSnapshot;

/** A stored penalty as the domain's rules read it (appeals, overturns, lifting a cascade). */
export const penaltyRecordOf = (row: PenaltyRow): PenaltyRecord => ({
  id: row.id,
  creatorId: row.creatorId,
  contentId: row.contentId ?? undefined,
  state: row.state as PenaltyState,
  imposedAt: row.imposedAt,
  previousTier: (row.previousTier ?? undefined) as Tier | undefined,
  appliedTier: (row.appliedTier ?? undefined) as Tier | undefined,
  unlinkedProductIds: stringsOf(row.unlinkedProductIds),
  deductionIds: stringsOf(row.deductionIds),
  source: row.source as PenaltySourceName,
});
