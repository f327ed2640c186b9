import type { Prisma } from '@govern/content-data-access';
import type { LivestreamSnapshot } from '@govern/content-domain';
import type { Reason } from '@govern/policy-core';
import type { UnitDecisionToRecord } from '@govern/platform-decisions';

/** A session's snapshot as stored: the escalation's own, plus the claims heard on air. */
export type StoredSnapshot = LivestreamSnapshot & { claimKeys?: string[] };

/** A livestream's session as stored, with what resuming it needs from its item (readStoredSessions). */
export interface StoredSession {
  livestreamId: string;
  contentId: string;
  creatorId: string;
  /** LIVE | ENDED | INTERRUPTED */
  state: string;
  /** The reasons of the current level (reasonsOf). */
  reasons: Prisma.JsonValue;
  /** A StoredSnapshot (snapshotOf). */
  snapshot: Prisma.JsonValue;
  /** The item's tier weight: a livestream is never distributed more than its item. */
  tierWeight: number;
  /** Products linked to the item and still active, in the creator's order. */
  productIds: string[];
}

/** A level reached that is written behind (a host warning: no penalty rides on it). */
export interface PendingEscalation {
  id: string;
  level: string;
  sequence: number;
  reasons: Reason[];
  at: Date;
  /** The livestream-action decision behind it, recorded in the unit that writes the escalation. */
  decision: UnitDecisionToRecord;
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
