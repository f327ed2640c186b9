import type { ContentTx, PrismaClient } from '@govern/content-data-access';
import type { CreatorCredit } from '@govern/contracts-content';
import { runInTransaction, type Sql } from '@govern/platform-db';
import type { GrpcCallContext } from '@govern/platform-grpc';
import type { UnitsOfWork } from '@govern/platform-runtime';
import type { ContentDeps } from '../deps';
import type { LivestreamSessions } from '../live/livestream-sessions';
import { creatorCreditMessage } from '../mapping/messages';
import { currentStanding } from '../use-cases/creator-standing';
import type { Work } from '../use-cases/work';

/** What every handler of ContentService works with. */
export interface ContentHandlerDeps {
  /** Reads (`read`): a consistent snapshot bounded by the caller's deadline. */
  db: PrismaClient;
  deps: ContentDeps;
  /** Mutations: idempotent by request_id, events and jobs in the same transaction (units.mutation). */
  units: UnitsOfWork<ContentTx, Work>;
  sessions: LivestreamSessions;
}

export type Call = GrpcCallContext;

/** The unit-of-work scope of an RPC: unique per RPC, so a request_id reused on another RPC is another request. */
export const scopeOf = (rpc: string): string => `content.${rpc}`;

/**
 * Reads run in a transaction too: the caller's deadline bounds every statement (statement_timeout),
 * and a view assembled from several queries (an item, its links, assessment, penalties) is one snapshot.
 */
export const read = <T>(kit: ContentHandlerDeps, call: Call, work: (tx: ContentTx) => Promise<T>): Promise<T> =>
  runInTransaction(kit.db, work, { deadline: call.deadline, isolationLevel: 'RepeatableRead' });

/** A creator's credit as the answers show it: computed from every deduction at `now`. */
export const creditOf = async (db: Sql, deps: ContentDeps, creatorId: string, now: Date): Promise<CreatorCredit> => {
  const { standing, deductions } = await currentStanding(db, deps.policy, now, creatorId);
  return creatorCreditMessage(creatorId, standing, deductions, now);
};
