import type { ContentTx } from '@govern/content-data-access';
import { policyRef, type ContentPolicy } from '@govern/content-domain';
import type { GetGovernanceStatsResponse } from '@govern/contracts-content';

type Figures = Omit<GetGovernanceStatsResponse, 'window' | 'policy'>;

/**
 * The content figures of the governance report for [start, end), counted from the database in
 * one round trip: every figure is a count over the rows the decisions left (assessments,
 * penalties, escalations, tier history, standing changes, appeals, complaints).
 */
export const governanceStats = async (tx: ContentTx, policy: ContentPolicy, start: Date, end: Date): Promise<GetGovernanceStatsResponse> => {
  const rows = await tx.$queryRawUnsafe<Record<keyof Figures, bigint>[]>(
    `SELECT
       (SELECT count(DISTINCT a.content_id) FROM content_assessments a JOIN content_items c ON c.content_id = a.content_id
          WHERE c.kind = 'SHORT_VIDEO' AND a.assessed_at >= $1 AND a.assessed_at < $2)::bigint AS "videosAssessed",
       (SELECT count(DISTINCT content_id) FROM penalties WHERE content_kind = 'SHORT_VIDEO' AND imposed_at >= $1 AND imposed_at < $2)::bigint AS "videosPunished",
       (SELECT count(*) FROM livestreams WHERE started_at >= $1 AND started_at < $2)::bigint AS "livestreamsStarted",
       (SELECT count(*) FROM (
          SELECT livestream_id FROM livestream_escalations WHERE decided_at >= $1 AND decided_at < $2
          UNION SELECT content_id FROM penalties WHERE content_kind = 'LIVESTREAM' AND imposed_at >= $1 AND imposed_at < $2
        ) punished)::bigint AS "livestreamsPunished",
       (SELECT count(*) FROM livestream_escalations WHERE level = 'INTERRUPT' AND decided_at >= $1 AND decided_at < $2)::bigint AS "livestreamsInterrupted",
       (SELECT count(*) FROM livestream_escalations WHERE level = 'WARN_HOST' AND decided_at >= $1 AND decided_at < $2)::bigint AS "livestreamWarnings",
       (SELECT count(DISTINCT content_id) FROM content_tier_changes WHERE to_tier = 'PREMIUM' AND changed_at >= $1 AND changed_at < $2)::bigint AS "itemsBoosted",
       (SELECT count(DISTINCT creator_id) FROM content_tier_changes WHERE to_tier = 'PREMIUM' AND changed_at >= $1 AND changed_at < $2)::bigint AS "creatorsBoosted",
       (SELECT count(DISTINCT content_id) FROM content_tier_changes WHERE to_tier = 'LIMITED' AND changed_at >= $1 AND changed_at < $2)::bigint AS "itemsLimited",
       (SELECT count(DISTINCT content_id) FROM content_tier_changes WHERE to_tier = 'BLOCKED' AND changed_at >= $1 AND changed_at < $2)::bigint AS "itemsBlocked",
       (SELECT count(DISTINCT content_id) FROM penalties WHERE source = 'CASCADE' AND action = 'UNLINKED' AND imposed_at >= $1 AND imposed_at < $2)::bigint AS "itemsUnlinked",
       (SELECT count(DISTINCT (a.content_id, v->'reason'->'evidence'->>'field', v->'reason'->'evidence'->>'category', v->'reason'->'evidence'->>'term'))
          FROM content_assessments a CROSS JOIN LATERAL jsonb_array_elements(a.violations) v
          WHERE v->>'kind' = 'PROHIBITED_CLAIM' AND a.assessed_at >= $1 AND a.assessed_at < $2)::bigint AS "claimViolations",
       (SELECT count(DISTINCT a.content_id)
          FROM content_assessments a CROSS JOIN LATERAL jsonb_array_elements(a.violations) v
          WHERE v->>'kind' = 'REPOSTED_CONTENT' AND a.assessed_at >= $1 AND a.assessed_at < $2)::bigint AS "repostViolations",
       (SELECT count(*) FROM credit_deductions WHERE deducted_at >= $1 AND deducted_at < $2)::bigint AS "creditDeductions",
       (SELECT count(DISTINCT creator_id) FROM creator_standing_changes WHERE linking_suspended AND changed_at >= $1 AND changed_at < $2)::bigint AS "creatorsLinkingSuspended",
       (SELECT count(DISTINCT creator_id) FROM creator_standing_changes WHERE privileges_revoked AND changed_at >= $1 AND changed_at < $2)::bigint AS "creatorsPrivilegesRevoked",
       (SELECT count(*) FROM appeals WHERE filed_at >= $1 AND filed_at < $2)::bigint AS "appealsFiled",
       (SELECT count(*) FROM appeals WHERE state = 'OVERTURNED' AND decided_at >= $1 AND decided_at < $2)::bigint AS "appealsOverturned",
       (SELECT count(*) FROM content_complaints WHERE received_at >= $1 AND received_at < $2)::bigint AS "complaintsReceived"`,
    start,
    end,
  );
  const figures = rows[0] as Record<keyof Figures, bigint>;
  return { window: { startTime: start, endTime: end }, ...figures, policy: policyRef(policy) };
};
