import { cascadeStartedAt, withConsumerSpan, type ServiceMetrics, type Telemetry } from '@govern/platform-observability';
import { PoisonMessageError, type IncomingMessage } from './event-bus';

/**
 * Traces and metrics of a durable consumer (issue 14): each message's handling runs in a
 * CONSUMER span that continues the producer's trace (the relay put its context in the
 * headers), and each delivery is counted by outcome with its age and the age of its cascade.
 */
export interface ConsumerObservation {
  telemetry?: Pick<Telemetry, 'tracer'> | undefined;
  metrics?: Pick<ServiceMetrics, 'consumerDelivery'> | undefined;
}

/**
 * Service libs start their consumers with the bus the runtime hands them (`ctx.bus`); the
 * runtime marks that bus with the service's telemetry and metrics, so every consumer of the
 * service is observed without each service passing them on.
 */
const observationOfBus = new WeakMap<object, ConsumerObservation>();

export const observeConsumersOn = <Bus extends object>(bus: Bus, observation: ConsumerObservation): Bus => {
  observationOfBus.set(bus, observation);
  return bus;
};

export const consumerObservationOf = (bus: object): ConsumerObservation => observationOfBus.get(bus) ?? {};

/** What the handling of one message found out, kept until its transaction commits. */
export interface Handled {
  outcome: 'handled' | 'duplicate';
  occurredAt?: Date | undefined;
  cascadeStartedAt?: Date | undefined;
}

export interface ConsumerObserver {
  /** Runs one message's handling in its span; returns when the cascade it belongs to started. */
  handle(message: IncomingMessage, eventId: string, fn: () => Promise<void>): Promise<Date | undefined>;
  /** A message that could not be decoded: a span of its own (so poison is visible in the trace) and a count. */
  undecodable(message: IncomingMessage, error: unknown): Promise<void>;
  /** The transaction of these messages committed. */
  committed(items: readonly { message: IncomingMessage; handled: Handled }[], startedAt: number): void;
  /** The handling of this message failed (it will be redelivered, or dead-lettered). */
  failed(message: IncomingMessage, error: unknown, startedAt: number): void;
}

export const createConsumerObserver = (options: { consumer: string; maxDeliver: number; observation: ConsumerObservation }): ConsumerObserver => {
  const { consumer, maxDeliver } = options;
  const { telemetry, metrics } = options.observation;
  const spanOf = (message: IncomingMessage, eventId: string) => ({
    headers: message.headers,
    subject: message.subject,
    consumer,
    eventId,
    eventType: message.eventType,
    deliveryCount: message.deliveryCount,
    stream: message.stream,
    payloadBytes: message.payload.byteLength,
  });
  const secondsSince = (at: Date | number | undefined, now: number): number | undefined =>
    at === undefined ? undefined : Math.max(0, now - (typeof at === 'number' ? at : at.getTime())) / 1_000;

  return {
    async handle(message, eventId, fn) {
      if (!telemetry) {
        await fn();
        return undefined;
      }
      return withConsumerSpan(telemetry, spanOf(message, eventId), async () => {
        await fn();
        return cascadeStartedAt();
      });
    },
    async undecodable(message, error) {
      if (telemetry) await withConsumerSpan(telemetry, spanOf(message, message.eventId), () => Promise.reject(error)).catch(() => undefined);
      metrics?.consumerDelivery({ consumer, outcome: 'dead_lettered', deliveryCount: message.deliveryCount, seconds: 0 });
    },
    committed(items, startedAt) {
      if (!metrics) return;
      const now = Date.now();
      const seconds = (now - startedAt) / 1_000;
      for (const { message, handled } of items) {
        metrics.consumerDelivery({
          consumer,
          outcome: handled.outcome,
          deliveryCount: message.deliveryCount,
          seconds,
          eventAgeSeconds: secondsSince(handled.occurredAt, now),
          cascadeAgeSeconds: secondsSince(handled.cascadeStartedAt, now),
        });
      }
    },
    failed(message, error, startedAt) {
      const deadLettered = error instanceof PoisonMessageError || message.deliveryCount >= maxDeliver;
      metrics?.consumerDelivery({ consumer, outcome: deadLettered ? 'dead_lettered' : 'failed', deliveryCount: message.deliveryCount, seconds: (Date.now() - startedAt) / 1_000 });
    },
  };
};
