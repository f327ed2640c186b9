import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { EventMeta, PolicyRef, defineEventType, type StreamSpec } from '@govern/contracts-common';

/**
 * A protobuf event for the lib's own tests, shaped like every Govern event
 * (`EventMeta meta = 1`, then the resource and what changed), hand-encoded because the
 * lib cannot add protos: `message ThingHappened { EventMeta meta = 1; string thing_id = 2; PolicyRef policy = 3; }`.
 */
export interface ThingHappened {
  meta?: EventMeta | undefined;
  thingId: string;
  policy?: PolicyRef | undefined;
}

export const ThingHappenedCodec = {
  encode(message: ThingHappened, writer: BinaryWriter = new BinaryWriter()): BinaryWriter {
    if (message.meta) EventMeta.encode(message.meta, writer.uint32(10).fork()).join();
    if (message.thingId !== '') writer.uint32(18).string(message.thingId);
    if (message.policy) PolicyRef.encode(message.policy, writer.uint32(26).fork()).join();
    return writer;
  },
  decode(input: Uint8Array): ThingHappened {
    const reader = new BinaryReader(input);
    const message: ThingHappened = { thingId: '' };
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      switch (tag >>> 3) {
        case 1:
          message.meta = EventMeta.decode(reader, reader.uint32());
          break;
        case 2:
          message.thingId = reader.string();
          break;
        case 3:
          message.policy = PolicyRef.decode(reader, reader.uint32());
          break;
        default:
          reader.skip(tag & 7);
      }
    }
    return message;
  },
};

export const ThingHappenedEvent = defineEventType<ThingHappened>('govern.test.v1.ThingHappened', 'govern.test.thing.happened', ThingHappenedCodec);

/** A second type on another subject of the same stream. */
export const ThingRemovedEvent = defineEventType<ThingHappened>('govern.test.v1.ThingRemoved', 'govern.test.thing.removed', ThingHappenedCodec);

export const TEST_STREAM: StreamSpec = { name: 'GOVERN_TEST', subjects: ['govern.test.>'] };

export const thingHappened = (eventId: string, thingId = eventId): ThingHappened => ({
  meta: { eventId, occurredAt: new Date(), causationId: '', correlationId: `corr-${eventId}` },
  thingId,
  policy: { name: 'test-policy', version: '2026-11-28.1' },
});
