/**
 * The consumer-side check that an event came from the service that owns its type. NATS
 * permissions let each service publish only on `govern.<service>.>`, so the subject proves
 * the producer; this check ties the type to it: `govern.product_quality.v1.InspectionFailed`
 * is only believed on `govern.product_quality.inspection.failed`, in the product-quality stream.
 * A mismatch is dead-lettered with the reason (never handled, never retried).
 */
export interface EventOrigin {
  /** Logical subject the message arrived on (namespace removed). */
  subject: string;
  /** The `Govern-Event-Type` header: fully-qualified protobuf type. */
  eventType: string;
  /** Logical stream it was read from, e.g. `GOVERN_PRODUCT_QUALITY`. */
  stream?: string;
}

export type OriginCheck = { ok: true; producer: string } | { ok: false; reason: string };

/** `govern.product_quality.v1.InspectionFailed` → `product_quality`. */
export const producerOfEventType = (typeName: string): string | undefined => /^govern\.([a-z][a-z0-9_]*)\.v\d+\.[A-Z][A-Za-z0-9]*$/.exec(typeName)?.[1];

/** `govern.product_quality.inspection.failed` → `product_quality` (dead letters, `govern.dlq.…`, belong to no producer). */
export const producerOfSubject = (subject: string): string | undefined => {
  const producer = /^govern\.([a-z][a-z0-9_]*)\./.exec(subject)?.[1];
  return producer === 'dlq' ? undefined : producer;
};

/** Bounded, one-line quoting of attacker-chosen text for a dead letter's reason. */
const quote = (text: string): string => JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);

/**
 * @param expectedSubject the subject the event type is declared on (`EventType.subject`), when
 *   the consumer knows the type; a type on any other subject of its producer is refused too.
 */
export const checkEventOrigin = (message: EventOrigin, expectedSubject?: string): OriginCheck => {
  const typeProducer = producerOfEventType(message.eventType);
  if (!typeProducer) return { ok: false, reason: `event type ${quote(message.eventType)} is not a governance event type (govern.<service>.v<n>.<Name>)` };
  const subjectProducer = producerOfSubject(message.subject);
  if (subjectProducer !== typeProducer) {
    return { ok: false, reason: `event type ${quote(message.eventType)} belongs to ${typeProducer} but was published on ${quote(message.subject)} (${subjectProducer ?? 'no service'}'s subjects)` };
  }
  if (message.stream !== undefined && message.stream !== `GOVERN_${typeProducer.toUpperCase()}`) {
    return { ok: false, reason: `event type ${quote(message.eventType)} was read from stream ${quote(message.stream)}, not ${typeProducer}'s` };
  }
  if (expectedSubject !== undefined && message.subject !== expectedSubject) {
    return { ok: false, reason: `event type ${quote(message.eventType)} is published on ${expectedSubject}, not ${quote(message.subject)}` };
  }
  return { ok: true, producer: typeProducer };
};
