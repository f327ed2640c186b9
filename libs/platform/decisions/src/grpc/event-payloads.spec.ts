import { describe, expect, it } from 'vitest';
import { commonDescriptorSet } from '@govern/contracts-common';
import { merchantAccessDescriptorSet, MerchantRemovedEvent } from '@govern/contracts-merchant-access';
import { eventMetaOf } from '@govern/platform-events';
import { eventPayloadsOf } from './event-ops.handlers';

describe('event payloads for operators', () => {
  const removed = MerchantRemovedEvent.codec
    .encode({
      meta: { eventId: 'ev-1', occurredAt: new Date('2026-12-01T00:00:00Z'), causationId: 'req-1', correlationId: 'flow-1', actor: undefined },
      merchantId: 'm-42',
      zeroTolerance: true,
      depositForfeited: true,
      depositForfeitedFen: 500_000n,
      reasons: [],
      policy: undefined,
      sanctionId: 's-7',
    })
    .finish();

  it('decodes a payload to proto3 JSON and finds the resources in its <type>_id fields, from the service descriptor sets', () => {
    const payloads = eventPayloadsOf([commonDescriptorSet, merchantAccessDescriptorSet]);
    const json = JSON.parse(payloads.jsonOf(MerchantRemovedEvent.typeName, removed)) as Record<string, unknown>;
    expect(json).toMatchObject({ merchant_id: 'm-42', zero_tolerance: true, deposit_forfeited_fen: '500000', meta: { event_id: 'ev-1', correlation_id: 'flow-1' } });
    expect(payloads.resourcesOf(MerchantRemovedEvent.typeName, removed)).toEqual([
      { type: 'merchant', id: 'm-42' },
      { type: 'sanction', id: 's-7' },
    ]);
  });

  it('without descriptors, or for an unknown type, says nothing rather than guessing', () => {
    expect(eventPayloadsOf(undefined).jsonOf(MerchantRemovedEvent.typeName, removed)).toBe('');
    expect(eventPayloadsOf([commonDescriptorSet, merchantAccessDescriptorSet]).resourcesOf('govern.nowhere.v1.Thing', removed)).toEqual([]);
  });

  it('reads EventMeta of any event from the wire, and nothing from bytes that are not one', () => {
    expect(eventMetaOf(removed)).toMatchObject({ eventId: 'ev-1', correlationId: 'flow-1', causationId: 'req-1' });
    expect(eventMetaOf(new Uint8Array([0xff, 0xff, 0xff]))).toBeUndefined();
  });
});
