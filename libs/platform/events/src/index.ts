export {
  DLQ_HEADERS,
  DLQ_STREAM,
  EVENT_TYPE_HEADER,
  PoisonMessageError,
  PublishError,
  dlqSubject,
  type ConsumeOptions,
  type ConsumerHandle,
  type EventBus,
  type IncomingMessage,
  type OutgoingMessage,
  type PublishAck,
} from './event-bus';
export { createJetStreamBus, type JetStreamBusOptions } from './jetstream-bus';
export { createInMemoryBus, type InMemoryBusOptions } from './in-memory-bus';
export { appendToOutbox, toOutgoing, type EventMessage, type OutgoingEvent } from './outbox';
export { OUTBOX_CHANNEL, createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export {
  DEFAULT_BACKOFF_MS,
  DEFAULT_MAX_DELIVER,
  isEvent,
  startConsumer,
  type EventContext,
  type EventOf,
  type StartConsumerOptions,
} from './consumer';
