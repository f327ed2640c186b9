import * as consumerExperience from '@govern/contracts-consumer-experience';
import { SERVICE_REGISTRY, servicePackage, streamOf, type EventType } from '@govern/contracts-common';
import * as content from '@govern/contracts-content';
import * as merchantAccess from '@govern/contracts-merchant-access';
import * as productQuality from '@govern/contracts-product-quality';
import { describe, expect, it } from 'vitest';
import { checkEventOrigin, producerOfSubject } from '../events/event-origin';
import { GOVERN_EVENT_TOPOLOGY } from './event-topology';

/**
 * The topology the NATS permissions are rendered from, checked against what it describes: the
 * service registry (every service has a NATS user, no other does), the streams (`streamOf`), and
 * the event types the contracts declare (every subject a durable reads is some producer's event).
 */
const isEventType = (value: unknown): value is EventType<unknown> =>
  typeof value === 'object' && value !== null && 'typeName' in value && 'subject' in value && 'codec' in value;
const EVENT_TYPES = [content, productQuality, merchantAccess, consumerExperience].flatMap((contracts) => Object.values(contracts).filter(isEventType));

describe('the event topology behind the NATS permissions', () => {
  it('has one entry per service of the registry, in its order', () => {
    expect(GOVERN_EVENT_TOPOLOGY.map((t) => t.service)).toEqual(SERVICE_REGISTRY.map((s) => servicePackage(s.name)));
  });

  it('reads only other services’ streams, on subjects their contracts declare events for', () => {
    const streams = new Map(SERVICE_REGISTRY.map((s) => [streamOf(servicePackage(s.name)).name, servicePackage(s.name)] as const));
    for (const topology of GOVERN_EVENT_TOPOLOGY) {
      for (const consumed of topology.consumes) {
        const producer = streams.get(consumed.stream);
        expect(producer, consumed.stream).toBeDefined();
        expect(producer).not.toBe(topology.service);
        for (const subject of consumed.subjects) {
          expect(producerOfSubject(subject), subject).toBe(producer);
          expect(EVENT_TYPES.map((type) => type.subject), `${consumed.durable} reads ${subject}`).toContain(subject);
        }
      }
    }
  });

  it('every declared event type passes the consumers’ origin check on its own subject and stream (none would be dead-lettered)', () => {
    expect(EVENT_TYPES.length).toBeGreaterThan(20);
    for (const type of EVENT_TYPES) {
      const producer = producerOfSubject(type.subject) ?? '';
      expect(checkEventOrigin({ subject: type.subject, eventType: type.typeName, stream: `GOVERN_${producer.toUpperCase()}` }, type.subject), type.typeName).toEqual({ ok: true, producer });
    }
  });
});
