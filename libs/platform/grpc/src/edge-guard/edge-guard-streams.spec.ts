import { commonDescriptorSet } from '@govern/contracts-common';
import { ContentServiceDefinition, contentDescriptorSet, StreamLivestreamSignalsRequest } from '@govern/contracts-content';
import { describe, expect, it } from 'vitest';
import { mergeDescriptorSets } from '../descriptor-set';
import { createEdgeGuard, rejectionOf, RejectedRequest } from './edge-guard';

/**
 * A client stream whose contract stays open on a bad message (content's livestream signals) must
 * get the message, with the guard's refusal beside it, not a stream ended by the platform.
 */
const guard = createEdgeGuard(mergeDescriptorSets([commonDescriptorSet, contentDescriptorSet]).bytes);
const guarded = guard.guardDefinition(ContentServiceDefinition) as unknown as typeof ContentServiceDefinition;
const decodeSignal = guarded.methods.streamLivestreamSignals.requestType.decode as (bytes: Uint8Array) => StreamLivestreamSignalsRequest;
const decodeStart = guarded.methods.startLivestream.requestType.decode as (bytes: Uint8Array) => unknown;

const signal = (text: string) =>
  StreamLivestreamSignalsRequest.encode({
    signal: { livestreamId: 'live-1', clientSequence: 7n, observeTime: new Date('2026-10-01T00:00:00Z'), transcriptSegment: { text, startOffsetMs: 0n, endOffsetMs: 1_000n } },
  }).finish();

describe('edge guard on client streams', () => {
  it('delivers a refused stream message with its refusal, so the handler can answer it and keep the stream open', () => {
    const message = decodeSignal(signal('buy now\u0000'));
    expect(message).not.toBeInstanceOf(RejectedRequest);
    expect(message.signal?.livestreamId).toBe('live-1');
    expect(rejectionOf(message)?.violations.map((v) => [v.field, v.reason])).toEqual([['signal.transcript_segment.text', 'CONTAINS_NUL']]);
  });

  it('delivers undecodable stream bytes as the empty message, refused as MALFORMED_MESSAGE', () => {
    const message = decodeSignal(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]));
    expect(message).toEqual(StreamLivestreamSignalsRequest.decode(new Uint8Array()));
    expect(rejectionOf(message)?.code).toBe('REQUEST.MALFORMED');
  });

  it('leaves good stream messages alone, and still refuses unary requests before the handler', () => {
    expect(rejectionOf(decodeSignal(signal('buy now')))).toBeUndefined();
    expect(decodeStart(new Uint8Array([0x0a, 0x01, 0x00]))).toBeInstanceOf(RejectedRequest);
  });
});
