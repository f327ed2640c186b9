import type { EventType } from '@govern/contracts-common';
import { runInTransaction, type SqlTx, type TransactionalClient } from '@govern/platform-db';
import type { Logger } from 'pino';
import { PoisonMessageError, type ConsumerHandle, type EventBus, type IncomingMessage } from './event-bus';

/**
 * A service's durable consumer of events: each message is decoded by its
 * `Govern-Event-Type` header, and its event id is recorded in `inbox_events` in the
 * same transaction as the handler's effect. A redelivered event (crash before ack,
 * relay republish) finds its id there and is acked without a second effect.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEventType = EventType<any>;

type MessageOf<Type> = Type extends EventType<infer T> ? T : never;

/** The union of the messages the given event types decode to. */
export type EventOf<Types extends readonly AnyEventType[]> = MessageOf<Types[number]>;

export interface EventContext<Tx extends SqlTx> {
  /** The transaction the inbox row is written in: do the effect with it. */
  tx: Tx;
  eventId: string;
  subject: string;
  /** Fully-qualified protobuf type; compare with `isEvent`. */
  typeName: string;
  deliveryCount: number;
  headers: Record<string, string>;
  log: Logger;
}

export interface StartConsumerOptions<Tx extends SqlTx, Types extends readonly AnyEventType[]> {
  bus: EventBus;
  db: TransactionalClient<Tx>;
  /** Durable name and inbox key, `<service>_<purpose>`. */
  consumer: string;
  /** Logical stream name (`streamOf('content').name`). */
  stream: string;
  /** Events this consumer handles; their subjects are what it subscribes to unless `subjects` is given. */
  eventTypes: Types;
  subjects?: string[];
  /** Throw to retry with backoff; throw `PoisonMessageError` for an event that can never succeed. */
  handler(event: EventOf<Types>, ctx: EventContext<Tx>): Promise<void>;
  log: Logger;
  /** Tries before dead-lettering; default 5. */
  maxDeliver?: number;
  /** Default 1 s, 5 s, 30 s, 2 min. */
  backoffMs?: number[];
  ackWaitMs?: number;
  /** Bound of one handler transaction; default 15 s. */
  transactionTimeoutMs?: number;
}

export const DEFAULT_MAX_DELIVER = 5;
export const DEFAULT_BACKOFF_MS = [1_000, 5_000, 30_000, 120_000];

/** Narrows a consumer's event by its type: `if (isEvent(MerchantRemovedEvent, event, ctx)) ...`. */
export const isEvent = <T>(eventType: EventType<T>, event: unknown, ctx: { typeName: string }): event is T =>
  ctx.typeName === eventType.typeName;

export const startConsumer = async <Tx extends SqlTx, const Types extends readonly AnyEventType[]>(
  options: StartConsumerOptions<Tx, Types>,
): Promise<ConsumerHandle> => {
  const types = new Map(options.eventTypes.map((type) => [type.typeName, type] as const));
  const subjects = options.subjects ?? [...new Set(options.eventTypes.map((type) => type.subject))];
  const log = options.log.child({ consumer: options.consumer });

  const handle = async (message: IncomingMessage): Promise<void> => {
    const type = types.get(message.eventType);
    if (!type) throw new PoisonMessageError(`unknown event type "${message.eventType}" on ${message.subject}`);
    let event: EventOf<Types>;
    try {
      event = type.codec.decode(message.payload) as EventOf<Types>;
    } catch (error) {
      throw new PoisonMessageError(`undecodable ${message.eventType}: ${(error as Error).message}`, { cause: error });
    }
    const eventLog = log.child({ event_id: message.eventId, event_type: message.eventType });
    const outcome = await runInTransaction(
      options.db,
      async (tx) => {
        const inserted = await tx.$executeRawUnsafe(
          `INSERT INTO inbox_events (consumer, event_id, subject) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          options.consumer,
          message.eventId,
          message.subject,
        );
        if (inserted === 0) return 'duplicate' as const;
        await options.handler(event, {
          tx,
          eventId: message.eventId,
          subject: message.subject,
          typeName: message.eventType,
          deliveryCount: message.deliveryCount,
          headers: message.headers,
          log: eventLog,
        });
        return 'handled' as const;
      },
      { timeoutMs: options.transactionTimeoutMs ?? 15_000 },
    );
    if (outcome === 'duplicate') eventLog.debug('event already processed; skipped');
  };

  return options.bus.consume({
    durable: options.consumer,
    stream: options.stream,
    subjects,
    maxDeliver: options.maxDeliver ?? DEFAULT_MAX_DELIVER,
    backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
    ...(options.ackWaitMs !== undefined ? { ackWaitMs: options.ackWaitMs } : {}),
    handler: handle,
  });
};
