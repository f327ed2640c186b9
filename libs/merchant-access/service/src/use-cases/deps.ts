import type { EventMeta } from '@govern/contracts-common';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { newEventMeta } from '@govern/platform-runtime';
import type { Clock, IdGenerator } from '@govern/policy-core';
import type { Logger } from 'pino';
import type { IdentityHasher } from '../adapters/identity-hasher';
import type { RingGraphIndex } from '../adapters/ring-graph.index';

/** What the use cases share: the database, time, ids, the identity hasher and the ring graph. */
export interface MerchantAccessDeps {
  db: PrismaClient;
  clock: Clock;
  ids: IdGenerator;
  hasher: IdentityHasher;
  ring: RingGraphIndex;
  log: Logger;
  /** Wakes the outbox relay after a commit that wrote events. */
  eventsWritten(): void;
}

/** The deadline of the call, for runMutation. */
export interface CallInfo {
  deadline?: Date | undefined;
}

/** Envelope of an event caused by a request (its request_id) or by another event (its id). */
export const metaFor = (deps: Pick<MerchantAccessDeps, 'clock' | 'ids'>, causationId: string): EventMeta => newEventMeta(deps, { causationId });
