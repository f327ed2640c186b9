import type { ContentTx } from '@govern/content-data-access';

/** Appends tier changes (for the governance report) in one statement, however many items changed. */
export const insertTierChanges = async (
  tx: ContentTx,
  now: Date,
  cause: string,
  changes: readonly { contentId: string; creatorId: string; fromTier: string | null; toTier: string }[],
): Promise<void> => {
  if (changes.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO content_tier_changes (content_id, creator_id, from_tier, to_tier, cause, changed_at)
     SELECT u.content_id, u.creator_id, u.from_tier, u.to_tier, $5, $6
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(content_id, creator_id, from_tier, to_tier)`,
    changes.map((c) => c.contentId),
    changes.map((c) => c.creatorId),
    changes.map((c) => c.fromTier),
    changes.map((c) => c.toTier),
    cause,
    now,
  );
};
