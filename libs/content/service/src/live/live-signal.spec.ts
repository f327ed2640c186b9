import { CONTENT_POLICY } from '@govern/content-domain';
import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { parseLiveSignal } from './live-signal';

const NOW = new Date('2026-11-01T00:00:00Z');
const fieldsOf = (request: Parameters<typeof parseLiveSignal>[0]): string[] => {
  try {
    parseLiveSignal(request, NOW, CONTENT_POLICY);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).violations.map((v) => `${v.field}:${v.reason}`);
  }
};
const segment = (text: string) => ({ text, startOffsetMs: 0n, endOffsetMs: 10n });

describe('parseLiveSignal', () => {
  it('reads each kind of payload into a domain signal', () => {
    expect(parseLiveSignal({ signal: { livestreamId: 'ls', clientSequence: 3n, transcriptSegment: segment('hi') } }, NOW, CONTENT_POLICY)).toEqual({
      livestreamId: 'ls',
      sequence: 3,
      signal: { type: 'TRANSCRIPT', text: 'hi' },
    });
    expect(parseLiveSignal({ signal: { livestreamId: 'ls', clientSequence: 4n, viewerSignal: { newReports: 2, viewerCount: 900n, reportCategory: 'MISLEADING' } } }, NOW, CONTENT_POLICY).signal).toEqual({
      type: 'VIEWER',
      newReports: 2,
      viewerCount: 900,
      reportCategory: 'MISLEADING',
    });
    expect(parseLiveSignal({ signal: { livestreamId: 'ls', clientSequence: 5n, complaint: { complaintId: 'c', category: 'X', text: 't' } } }, NOW, CONTENT_POLICY).signal).toEqual({
      type: 'COMPLAINT',
      complaintId: 'c',
      category: 'X',
    });
  });

  it('lists every problem of a malformed message', () => {
    expect(fieldsOf({})).toEqual(['signal:REQUIRED']);
    expect(fieldsOf({ signal: { livestreamId: '', clientSequence: 0n } })).toEqual(['signal.livestream_id:REQUIRED', 'signal.payload:REQUIRED', 'signal.client_sequence:OUT_OF_RANGE']);
    expect(fieldsOf({ signal: { livestreamId: 'ls', clientSequence: 1n, transcriptSegment: segment('a'), complaint: { complaintId: '', category: '', text: '' } } })).toEqual(['signal.payload:CONFLICT']);
    expect(fieldsOf({ signal: { livestreamId: 'ls', clientSequence: 2n ** 60n, transcriptSegment: { text: 'a', startOffsetMs: 5n, endOffsetMs: 1n } } })).toEqual([
      'signal.transcript_segment.end_offset_ms:OUT_OF_RANGE',
      'signal.client_sequence:OUT_OF_RANGE',
    ]);
  });

  it('refuses an observation time from the future beyond the allowed skew, and accepts one within it', () => {
    const at = (ms: number) => ({ signal: { livestreamId: 'ls', clientSequence: 1n, observeTime: new Date(NOW.getTime() + ms), transcriptSegment: segment('a') } });
    expect(fieldsOf(at(CONTENT_POLICY.limits.maxClockSkewMs))).toEqual([]);
    expect(fieldsOf(at(CONTENT_POLICY.limits.maxClockSkewMs + 1))).toEqual(['signal.observe_time:IN_FUTURE']);
  });

  it('refuses text PostgreSQL cannot store and a time it cannot hold, wherever they are in the signal', () => {
    expect(fieldsOf({ signal: { livestreamId: 'ls\u0000', clientSequence: 1n, transcriptSegment: segment('a\u0000b') } })).toEqual([
      'signal.livestream_id:CONTAINS_NUL',
      'signal.transcript_segment.text:CONTAINS_NUL',
    ]);
    expect(fieldsOf({ signal: { livestreamId: 'ls', clientSequence: 1n, observeTime: new Date(-70_000_000_000_000), transcriptSegment: segment('a') } })).toEqual([
      'signal.observe_time:INVALID_TIMESTAMP',
    ]);
  });
});
