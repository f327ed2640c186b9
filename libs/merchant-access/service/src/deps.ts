import type { MerchantAccessTx, PrismaClient } from '@govern/merchant-access-data-access';
import type { UnitOfWork, UnitsOfWork } from '@govern/platform-runtime';
import type { Clock, IdGenerator } from '@govern/policy-core';
import type { DecisionLog } from '@govern/platform-decisions';
import type { Logger } from 'pino';
import type { IdentityHasher } from './adapters/identity-hasher';
import type { StandingReads } from './adapters/prisma-standing.repository';
import type { RingGraphIndex } from './adapters/ring-graph.index';
import type { StandingLookup } from './adapters/standing-lookup';

/**
 * merchant-access's unit of work is the platform's as it is: one transaction, the events and
 * durable jobs it causes, and for a mutation the stored answer, all written before COMMIT.
 */
export type Work = UnitOfWork<MerchantAccessTx>;

/** What the handlers, use cases, consumers and jobs share. */
export interface MerchantAccessDeps {
  /** Reads outside a unit of work (queries answer from the pool, no transaction). */
  db: PrismaClient;
  /** Plain SQL reads on the pool, outside a transaction: the standing reads (the hot path of every caller). */
  reads: StandingReads;
  /** GetMerchantStanding's lookups, coalesced into one standing read per burst (`coalescedStandingLookup` over `reads`). */
  standings: StandingLookup;
  /** Every write: mutations (`units.mutation`), timers and consumed events (`units.within`). */
  units: UnitsOfWork<MerchantAccessTx, Work>;
  clock: Clock;
  ids: IdGenerator;
  /** Identity numbers become keyed hashes here, before anything stores or compares them. */
  hasher: IdentityHasher;
  ring: RingGraphIndex;
  /** Governed decisions (onboarding, violation points, store score) are evaluated and recorded through it. */
  decisions: DecisionLog;
  log: Logger;
}
