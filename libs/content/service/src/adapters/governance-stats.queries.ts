import type { GetGovernanceStatsResponse } from '@govern/contracts-content';
import { sql, sqlRaw, type Sql } from '@govern/platform-db';

export type GovernanceFigures = Omit<GetGovernanceStatsResponse, 'window' | 'policy'>;

/**
 * The content figures of the governance report for [start, end), counted in one round trip: every
 * figure is a count over the rows the decisions left (assessments, penalties, escalations, tier
 * history, standing changes, appeals, complaints). The window is bound once, as `w.s` and `w.e`.
 */
const FIGURES = sqlRaw(`
       (SELECT count(DISTINCT a.content_id) FROM content_assessments a JOIN content_items c ON c.content_id = a.content_id
          WHERE c.kind = 'SHORT_VIDEO' AND a.assessed_at >= w.s AND a.assessed_at < w.e)::bigint AS "videosAssessed",
       (SELECT count(DISTINCT content_id) FROM penalties WHERE content_kind = 'SHORT_VIDEO' AND imposed_at >= w.s AND imposed_at < w.e)::bigint AS "videosPunished",
       (SELECT count(*) FROM livestreams WHERE started_at >= w.s AND started_at < w.e)::bigint AS "livestreamsStarted",
       (SELECT count(*) FROM (
          SELECT livestream_id FROM livestream_escalations WHERE decided_at >= w.s AND decided_at < w.e
          UNION SELECT content_id FROM penalties WHERE content_kind = 'LIVESTREAM' AND imposed_at >= w.s AND imposed_at < w.e
        ) punished)::bigint AS "livestreamsPunished",
       (SELECT count(*) FROM livestream_escalations WHERE level = 'INTERRUPT' AND decided_at >= w.s AND decided_at < w.e)::bigint AS "livestreamsInterrupted",
       (SELECT count(*) FROM livestream_escalations WHERE level = 'WARN_HOST' AND decided_at >= w.s AND decided_at < w.e)::bigint AS "livestreamWarnings",
       (SELECT count(DISTINCT content_id) FROM content_tier_changes WHERE to_tier = 'PREMIUM' AND changed_at >= w.s AND changed_at < w.e)::bigint AS "itemsBoosted",
       (SELECT count(DISTINCT creator_id) FROM content_tier_changes WHERE to_tier = 'PREMIUM' AND changed_at >= w.s AND changed_at < w.e)::bigint AS "creatorsBoosted",
       (SELECT count(DISTINCT content_id) FROM content_tier_changes WHERE to_tier = 'LIMITED' AND changed_at >= w.s AND changed_at < w.e)::bigint AS "itemsLimited",
       (SELECT count(DISTINCT content_id) FROM content_tier_changes WHERE to_tier = 'BLOCKED' AND changed_at >= w.s AND changed_at < w.e)::bigint AS "itemsBlocked",
       (SELECT count(DISTINCT content_id) FROM penalties WHERE source = 'CASCADE' AND action = 'UNLINKED' AND imposed_at >= w.s AND imposed_at < w.e)::bigint AS "itemsUnlinked",
       (SELECT count(DISTINCT (a.content_id, v->'reason'->'evidence'->>'field', v->'reason'->'evidence'->>'category', v->'reason'->'evidence'->>'term'))
          FROM content_assessments a CROSS JOIN LATERAL jsonb_array_elements(a.violations) v
          WHERE v->>'kind' = 'PROHIBITED_CLAIM' AND a.assessed_at >= w.s AND a.assessed_at < w.e)::bigint AS "claimViolations",
       (SELECT count(DISTINCT a.content_id)
          FROM content_assessments a CROSS JOIN LATERAL jsonb_array_elements(a.violations) v
          WHERE v->>'kind' = 'REPOSTED_CONTENT' AND a.assessed_at >= w.s AND a.assessed_at < w.e)::bigint AS "repostViolations",
       (SELECT count(*) FROM credit_deductions WHERE deducted_at >= w.s AND deducted_at < w.e)::bigint AS "creditDeductions",
       (SELECT count(DISTINCT creator_id) FROM creator_standing_changes WHERE linking_suspended AND changed_at >= w.s AND changed_at < w.e)::bigint AS "creatorsLinkingSuspended",
       (SELECT count(DISTINCT creator_id) FROM creator_standing_changes WHERE privileges_revoked AND changed_at >= w.s AND changed_at < w.e)::bigint AS "creatorsPrivilegesRevoked",
       (SELECT count(*) FROM appeals WHERE filed_at >= w.s AND filed_at < w.e)::bigint AS "appealsFiled",
       (SELECT count(*) FROM appeals WHERE state = 'OVERTURNED' AND decided_at >= w.s AND decided_at < w.e)::bigint AS "appealsOverturned",
       (SELECT count(*) FROM content_complaints WHERE received_at >= w.s AND received_at < w.e)::bigint AS "complaintsReceived"`);

export const governanceFigures = async (db: Sql, window: { start: Date; end: Date }): Promise<GovernanceFigures> => {
  const rows = await db.query<GovernanceFigures>(sql`WITH w AS (SELECT ${window.start}::timestamptz AS s, ${window.end}::timestamptz AS e) SELECT ${FIGURES} FROM w`);
  return rows[0] as GovernanceFigures;
};
