export {
  DEFAULT_DUPLICATE_WINDOW_MS,
  DEFAULT_STREAM_LIMITS,
  DLQ_HEADERS,
  DLQ_STREAM,
  EVENT_TYPE_HEADER,
  PoisonMessageError,
  PublishError,
  dlqSubject,
  type ConsumeOptions,
  type ConsumerHandle,
  type ConsumerHealth,
  type ConsumerStats,
  type EventBus,
  type IncomingMessage,
  type OutgoingMessage,
  type PublishAck,
  type StreamLimits,
} from './event-bus';
export { consumerObservationOf, observeConsumersOn, type ConsumerObservation } from './consumer-observation';
export { createJetStreamBus, type JetStreamBusOptions } from './jetstream-bus';
export { createInMemoryBus, type InMemoryBusOptions } from './in-memory-bus';
export { appendToOutbox, toOutgoing, type EventMessage, type OutgoingEvent } from './outbox';
export {
  DEFAULT_OUTBOX_MAX_REJECTIONS,
  DEFAULT_OUTBOX_RETENTION_MS,
  OUTBOX_CHANNEL,
  createOutboxRelay,
  type OutboxRelay,
  type OutboxRelayOptions,
} from './outbox-relay';
export {
  DEFAULT_INBOX_RETENTION_MS,
  createInboxRetention,
  inboxRetentionFor,
  inboxRetentionProblem,
  type InboxRetention,
  type InboxRetentionOptions,
} from './inbox-retention';
export { DEFAULT_CONSUMER_DOWN_BOUND_MS, watchConsumerHealth, type ConsumerHealthWatch } from './consumer-health';
export { DEFAULT_MAX_CLOCK_SKEW_MS, eventTime, plausibleWindow, type EventWindow } from './plausibility';
export { DEFAULT_MAX_BATCH } from './delivery';
export {
  DEFAULT_BACKOFF_MS,
  DEFAULT_MAX_DELIVER,
  isEvent,
  startConsumer,
  type BatchEvent,
  type ConsumerDatabase,
  type EventContext,
  type EventOf,
  type StartConsumerOptions,
} from './consumer';
export * from './dead-letters';
export { createEventLog, eventMetaOf, type EventLog, type EventLogOptions, type EventPage, type EventPageKey, type OutboxEventState, type ProducedEvent, type ProducedEventFilter } from './event-log';
export { RedriveRefusedError, createEventOps, type DeadLetterFilter, type DeadLetterView, type EventOps, type EventOpsOptions, type RedriveRefusal } from './event-ops';
