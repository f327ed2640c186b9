import { sql, sqlRaw, type Sql } from '@govern/platform-db';
import type { Reason } from '@govern/policy-core';
import type { LiveStateWrite, StoredSession } from '../live/live-state';

const LEVELS = sqlRaw(`ARRAY['NONE', 'WARN_HOST', 'LIMIT_TRAFFIC', 'INTERRUPT']`);

/**
 * The stored sessions of many livestreams in one statement (those that exist): each row with its
 * item's tier weight and the products linked to it, in the creator's order. One plain statement
 * whatever the number, where a Prisma read with its relations took a few round trips per session:
 * when 200 streams open at once their sessions load together (LivestreamSessions: loads).
 */
export const readStoredSessions = async (db: Sql, livestreamIds: readonly string[]): Promise<StoredSession[]> =>
  db.query<StoredSession>(sql`
    SELECT l.livestream_id AS "livestreamId", l.content_id AS "contentId", l.creator_id AS "creatorId", l.state, l.reasons, l.snapshot,
           c.traffic_weight AS "tierWeight",
           ARRAY(SELECT p.product_id FROM content_product_links p WHERE p.content_id = l.content_id AND p.state = 'ACTIVE' ORDER BY p.position) AS "productIds"
      FROM livestreams l JOIN content_items c ON c.content_id = l.content_id
     WHERE l.livestream_id = ANY(${livestreamIds}::text[])`);

/** Locks a livestream's row; undefined when it does not exist. */
export const lockLivestream = async (db: Sql, livestreamId: string): Promise<{ state: string; level: string } | undefined> =>
  (await db.query<{ state: string; level: string }>(sql`SELECT state, level FROM livestreams WHERE livestream_id = ${livestreamId} FOR UPDATE`))[0];

/**
 * Writes the state of many sessions in three statements whatever their number: snapshots (never
 * older than what is stored, levels never lower), transcript appended to each session's item
 * (bounded), and written-behind escalation rows (once per level).
 */
export const writeLiveStates = async (db: Sql, now: Date, maxTranscriptChars: number, writes: readonly LiveStateWrite[], options: { snapshots?: boolean } = {}): Promise<void> => {
  if (writes.length === 0) return;
  if (options.snapshots ?? true) {
    await db.execute(sql`
      UPDATE livestreams l SET snapshot = u.snapshot::jsonb, last_client_sequence = u.seq, updated_at = ${now}::timestamptz,
             warnings = GREATEST(l.warnings, u.warnings),
             level = CASE WHEN array_position(${LEVELS}, u.level) > array_position(${LEVELS}, l.level) THEN u.level ELSE l.level END,
             traffic_weight = CASE WHEN array_position(${LEVELS}, u.level) > array_position(${LEVELS}, l.level) THEN u.weight ELSE l.traffic_weight END,
             reasons = CASE WHEN array_position(${LEVELS}, u.level) > array_position(${LEVELS}, l.level) THEN u.reasons::jsonb ELSE l.reasons END
        FROM unnest(${writes.map((w) => w.livestreamId)}::text[], ${writes.map((w) => JSON.stringify(w.snapshot))}::text[], ${writes.map((w) => w.snapshot.lastSequence)}::bigint[],
                    ${writes.map((w) => w.warnings)}::int[], ${writes.map((w) => w.level)}::text[], ${writes.map((w) => w.trafficWeight)}::float8[],
                    ${writes.map((w) => JSON.stringify(w.reasons))}::text[]) AS u(id, snapshot, seq, warnings, level, weight, reasons)
       WHERE l.livestream_id = u.id AND l.last_client_sequence <= u.seq`);
  }
  const heard = writes.filter((w) => w.transcript.length > 0);
  if (heard.length > 0) {
    await db.execute(sql`
      UPDATE content_items c SET transcript = left(CASE WHEN c.transcript = '' THEN u.text ELSE c.transcript || E'\\n' || u.text END, ${maxTranscriptChars}::int),
             updated_at = ${now}::timestamptz
        FROM unnest(${heard.map((w) => w.contentId)}::text[], ${heard.map((w) => w.transcript)}::text[]) AS u(id, text) WHERE c.content_id = u.id`);
  }
  const escalations = writes.flatMap((w) => w.escalations.map((e) => ({ ...e, livestreamId: w.livestreamId, creatorId: w.creatorId })));
  if (escalations.length > 0) {
    await db.execute(sql`
      INSERT INTO livestream_escalations (id, livestream_id, creator_id, level, client_sequence, reasons, decided_at)
      SELECT u.id, u.livestream_id, u.creator_id, u.level, u.seq, u.reasons::jsonb, u.at
        FROM unnest(${escalations.map((e) => e.id)}::text[], ${escalations.map((e) => e.livestreamId)}::text[], ${escalations.map((e) => e.creatorId)}::text[],
                    ${escalations.map((e) => e.level)}::text[], ${escalations.map((e) => e.sequence)}::bigint[], ${escalations.map((e) => JSON.stringify(e.reasons))}::text[],
                    ${escalations.map((e) => e.at)}::timestamptz[]) AS u(id, livestream_id, creator_id, level, seq, reasons, at)
      ON CONFLICT (livestream_id, level) DO NOTHING`);
  }
};

/** A level that carries a penalty, recorded before it is answered (once per level and livestream). */
export const recordEscalation = async (
  db: Sql,
  escalation: { id: string; livestreamId: string; creatorId: string; level: string; sequence: number; reasons: readonly Reason[]; penaltyId: string | null; at: Date },
): Promise<void> => {
  await db.execute(sql`
    INSERT INTO livestream_escalations (id, livestream_id, creator_id, level, client_sequence, reasons, penalty_id, decided_at)
    VALUES (${escalation.id}, ${escalation.livestreamId}, ${escalation.creatorId}, ${escalation.level}, ${escalation.sequence}::bigint,
            ${JSON.stringify(escalation.reasons)}::jsonb, ${escalation.penaltyId}::text, ${escalation.at}::timestamptz)
    ON CONFLICT (livestream_id, level) DO NOTHING`);
};

/** The session's state at an escalated level (an interrupt also ends it). */
export const applyEscalation = async (
  db: Sql,
  state: {
    livestreamId: string;
    level: string;
    trafficWeight: number;
    warnings: number;
    reasons: readonly Reason[];
    snapshot: unknown;
    sequence: number;
    at: Date;
    interrupted: boolean;
  },
): Promise<void> => {
  await db.execute(sql`
    UPDATE livestreams SET level = ${state.level}, traffic_weight = ${state.trafficWeight}::float8, warnings = ${state.warnings}::int,
           reasons = ${JSON.stringify(state.reasons)}::jsonb, snapshot = ${JSON.stringify(state.snapshot)}::jsonb,
           last_client_sequence = GREATEST(last_client_sequence, ${state.sequence}::bigint), updated_at = ${state.at}::timestamptz,
           state = CASE WHEN ${state.interrupted}::boolean THEN 'INTERRUPTED' ELSE state END,
           ended_at = CASE WHEN ${state.interrupted}::boolean THEN ${state.at}::timestamptz ELSE ended_at END
     WHERE livestream_id = ${state.livestreamId}`);
};
