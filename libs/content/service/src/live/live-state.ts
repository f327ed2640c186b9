import type { ContentTx } from '@govern/content-data-access';
import type { LivestreamSnapshot } from '@govern/content-domain';
import type { Reason } from '@govern/policy-core';

/** A session's snapshot as stored: the escalation's own, plus the claims heard on air. */
export type StoredSnapshot = LivestreamSnapshot & { claimKeys?: string[] };

/** A level reached that is written behind (a host warning: no penalty rides on it). */
export interface PendingEscalation {
  id: string;
  level: string;
  sequence: number;
  reasons: Reason[];
  at: Date;
}

/** What a session holds that the database does not have yet. */
export interface LiveStateWrite {
  livestreamId: string;
  contentId: string;
  creatorId: string;
  snapshot: StoredSnapshot;
  level: string;
  warnings: number;
  trafficWeight: number;
  reasons: Reason[];
  /** Transcript heard since the last write. */
  transcript: string;
  escalations: PendingEscalation[];
}

const LEVELS = `ARRAY['NONE', 'WARN_HOST', 'LIMIT_TRAFFIC', 'INTERRUPT']`;

/**
 * Writes the state of many sessions in three statements whatever their number: snapshots (never
 * older than what is stored, levels never lower), transcript appended to each session's item
 * (bounded), and written-behind escalation rows (once per level).
 */
export const writeLiveStates = async (tx: ContentTx, now: Date, maxTranscriptChars: number, writes: readonly LiveStateWrite[], options: { snapshots?: boolean } = {}): Promise<void> => {
  if (writes.length === 0) return;
  if (options.snapshots ?? true) {
    await tx.$executeRawUnsafe(
      `UPDATE livestreams l SET snapshot = u.snapshot::jsonb, last_client_sequence = u.seq, updated_at = $8,
              warnings = GREATEST(l.warnings, u.warnings),
              level = CASE WHEN array_position(${LEVELS}, u.level) > array_position(${LEVELS}, l.level) THEN u.level ELSE l.level END,
              traffic_weight = CASE WHEN array_position(${LEVELS}, u.level) > array_position(${LEVELS}, l.level) THEN u.weight ELSE l.traffic_weight END,
              reasons = CASE WHEN array_position(${LEVELS}, u.level) > array_position(${LEVELS}, l.level) THEN u.reasons::jsonb ELSE l.reasons END
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::text[], $6::float8[], $7::text[]) AS u(id, snapshot, seq, warnings, level, weight, reasons)
        WHERE l.livestream_id = u.id AND l.last_client_sequence <= u.seq`,
      writes.map((w) => w.livestreamId),
      writes.map((w) => JSON.stringify(w.snapshot)),
      writes.map((w) => w.snapshot.lastSequence),
      writes.map((w) => w.warnings),
      writes.map((w) => w.level),
      writes.map((w) => w.trafficWeight),
      writes.map((w) => JSON.stringify(w.reasons)),
      now,
    );
  }
  const heard = writes.filter((w) => w.transcript.length > 0);
  if (heard.length > 0) {
    await tx.$executeRawUnsafe(
      `UPDATE content_items c SET transcript = left(CASE WHEN c.transcript = '' THEN u.text ELSE c.transcript || E'\\n' || u.text END, $3), updated_at = $4
         FROM unnest($1::text[], $2::text[]) AS u(id, text) WHERE c.content_id = u.id`,
      heard.map((w) => w.contentId),
      heard.map((w) => w.transcript),
      maxTranscriptChars,
      now,
    );
  }
  const escalations = writes.flatMap((w) => w.escalations.map((e) => ({ ...e, livestreamId: w.livestreamId, creatorId: w.creatorId })));
  if (escalations.length > 0) {
    await tx.$executeRawUnsafe(
      `INSERT INTO livestream_escalations (id, livestream_id, creator_id, level, client_sequence, reasons, decided_at)
       SELECT u.id, u.livestream_id, u.creator_id, u.level, u.seq, u.reasons::jsonb, u.at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::timestamptz[]) AS u(id, livestream_id, creator_id, level, seq, reasons, at)
       ON CONFLICT (livestream_id, level) DO NOTHING`,
      escalations.map((e) => e.id),
      escalations.map((e) => e.livestreamId),
      escalations.map((e) => e.creatorId),
      escalations.map((e) => e.level),
      escalations.map((e) => e.sequence),
      escalations.map((e) => JSON.stringify(e.reasons)),
      escalations.map((e) => e.at),
    );
  }
};
