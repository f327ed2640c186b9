import type { ServicePackage } from './service-registry';

/**
 * Names an event message: its fully-qualified protobuf type (carried in the
 * `Govern-Event-Type` header), the NATS subject it is published on, and its codec.
 * Each service's contracts lib declares the events it publishes with `defineEventType`,
 * so producers and consumers share one definition.
 */
export interface EventType<T> {
  /** e.g. `govern.merchant_access.v1.MerchantRemoved` */
  readonly typeName: string;
  /** e.g. `govern.merchant_access.merchant.removed` (`govern.<service>.<resource>.<past-tense-verb>`) */
  readonly subject: string;
  readonly codec: {
    encode(message: T): { finish(): Uint8Array };
    decode(input: Uint8Array): T;
  };
}

export const defineEventType = <T>(typeName: string, subject: string, codec: EventType<T>['codec']): EventType<T> => ({
  typeName,
  subject,
  codec,
});

/** The stream a producing service publishes into: one per service (`GOVERN_CONTENT`, `govern.content.>`). */
export interface StreamSpec {
  name: string;
  subjects: string[];
}

/** `service` is a registry service's package segment (`merchant_access`, see service-registry.ts). */
export const streamOf = (service: ServicePackage): StreamSpec => ({
  name: `GOVERN_${service.toUpperCase()}`,
  subjects: [`govern.${service}.>`],
});
