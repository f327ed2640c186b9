import type { ContentTx, PrismaClient } from '@govern/content-data-access';
import type { CreatorCredit } from '@govern/contracts-content';
import type { GrpcCallContext } from '@govern/platform-grpc';
import { runMutation } from '@govern/platform-runtime';
import type { ContentDeps } from '../deps';
import { EventBatch } from '../events/event-batch';
import type { LivestreamSessions } from '../live/livestream-sessions';
import { creatorCreditMessage } from '../mapping/messages';
import { currentStanding } from '../use-cases/creator-standing';

/** What every handler of ContentService works with. */
export interface ContentHandlerDeps {
  db: PrismaClient;
  deps: ContentDeps;
  sessions: LivestreamSessions;
  /** Wakes the outbox relay after a commit that wrote events. */
  eventsWritten: () => void;
}

export type Call = GrpcCallContext;

interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/**
 * Every mutation: one transaction with the caller's deadline, idempotent by request_id (a repeat
 * returns the first answer), its events written in the same transaction, the relay woken after.
 */
export const mutate = async <Req extends { requestId: string }, Res>(
  kit: ContentHandlerDeps,
  call: Call,
  rpc: string,
  codecs: { request: MessageCodec<Req>; response: MessageCodec<Res> },
  request: Req,
  work: (tx: ContentTx, events: EventBatch) => Promise<Res>,
): Promise<Res> => {
  const response = await runMutation(
    kit.db,
    { scope: `content.${rpc}`, request, requestCodec: codecs.request, responseCodec: codecs.response, deadline: call.deadline },
    async (tx) => {
      const events = new EventBatch(kit.deps, { causationId: request.requestId });
      const result = await work(tx, events);
      await events.write(tx);
      return result;
    },
  );
  kit.eventsWritten();
  return response;
};

/** A creator's credit as the answers show it: computed from every deduction now. */
export const creditOf = async (tx: ContentTx, deps: ContentDeps, creatorId: string): Promise<CreatorCredit> => {
  const { standing, deductions } = await currentStanding(tx, deps, creatorId);
  return creatorCreditMessage(creatorId, standing, deductions, deps.clock.now());
};
