import type { ContentTx, PrismaClient } from '@govern/content-data-access';
import type { CreatorCredit } from '@govern/contracts-content';
import type { GrpcCallContext } from '@govern/platform-grpc';
import type { UnitsOfWork } from '@govern/platform-runtime';
import type { ContentDeps } from '../deps';
import type { LivestreamSessions } from '../live/livestream-sessions';
import { creatorCreditMessage } from '../mapping/messages';
import { currentStanding } from '../use-cases/creator-standing';
import type { Work } from '../use-cases/work';

/** What every handler of ContentService works with. */
export interface ContentHandlerDeps {
  /** Reads (no transaction needed: one statement, or a view that may be a moment old). */
  db: PrismaClient;
  deps: ContentDeps;
  /** Mutations: idempotent by request_id, events and jobs in the same transaction (units.mutation). */
  units: UnitsOfWork<ContentTx, Work>;
  sessions: LivestreamSessions;
}

export type Call = GrpcCallContext;

/** The unit-of-work scope of an RPC: unique per RPC, so a request_id reused on another RPC is another request. */
export const scopeOf = (rpc: string): string => `content.${rpc}`;

/** A creator's credit as the answers show it: computed from every deduction at `now`. */
export const creditOf = async (tx: ContentTx, deps: ContentDeps, creatorId: string, now: Date): Promise<CreatorCredit> => {
  const { standing, deductions } = await currentStanding(tx, deps.policy, now, creatorId);
  return creatorCreditMessage(creatorId, standing, deductions, now);
};
