import type { LivestreamSnapshot } from '@govern/content-domain';
import type { Reason } from '@govern/policy-core';
import type { UnitDecisionToRecord } from '@govern/platform-decisions';

/** A session's snapshot as stored: the escalation's own, plus the claims heard on air. */
export type StoredSnapshot = LivestreamSnapshot & { claimKeys?: string[] };

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
