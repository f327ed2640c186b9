import { validateLiveSignal, type ContentPolicy, type LiveSignal } from '@govern/content-domain';
import type { StreamLivestreamSignalsRequest } from '@govern/contracts-content';
import { ValidationError, Violations } from '@govern/policy-core';

export interface ParsedSignal {
  livestreamId: string;
  sequence: number;
  signal: LiveSignal;
}

/**
 * Reads one stream message into a domain signal, or throws a ValidationError listing every
 * problem (field paths as in the request: `signal.transcript_segment.text`). The stream answers
 * such a message with an error action and stays open.
 */
export const parseLiveSignal = (request: StreamLivestreamSignalsRequest, now: Date, policy: ContentPolicy): ParsedSignal => {
  const v = new Violations();
  const s = request.signal;
  if (!s) {
    v.add('signal', 'is required', 'REQUIRED');
    v.throwIfAny('LIVESTREAM.INVALID_SIGNAL');
    throw new Error('unreachable');
  }
  const limits = policy.limits;
  v.require('signal.livestream_id', s.livestreamId);
  v.maxLength('signal.livestream_id', s.livestreamId, limits.maxIdChars);
  const sequence = s.clientSequence <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s.clientSequence) : Number.NaN;
  if (s.observeTime) {
    v.check(s.observeTime.getTime() <= now.getTime() + limits.maxClockSkewMs, 'signal.observe_time', 'is in the future', 'FUTURE_TIMESTAMP');
  }

  const present = [s.transcriptSegment, s.viewerSignal, s.complaint].filter((p) => p !== undefined).length;
  let signal: LiveSignal | undefined;
  if (present === 0) v.add('signal.payload', 'one of transcript_segment, viewer_signal or complaint is required', 'REQUIRED');
  else if (present > 1) v.add('signal.payload', 'only one of transcript_segment, viewer_signal or complaint may be set', 'CONFLICT');
  else if (s.transcriptSegment) {
    const t = s.transcriptSegment;
    v.check(t.startOffsetMs >= 0n && t.endOffsetMs >= t.startOffsetMs, 'signal.transcript_segment.end_offset_ms', 'offsets must satisfy 0 <= start <= end', 'OUT_OF_RANGE');
    signal = { type: 'TRANSCRIPT', text: t.text };
  } else if (s.viewerSignal) {
    const w = s.viewerSignal;
    v.maxLength('signal.viewer_signal.report_category', w.reportCategory, limits.maxIdChars);
    const viewers = w.viewerCount <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(w.viewerCount) : Number.NaN;
    signal = { type: 'VIEWER', newReports: w.newReports, viewerCount: viewers, ...(w.reportCategory ? { reportCategory: w.reportCategory } : {}) };
  } else if (s.complaint) {
    const c = s.complaint;
    v.maxLength('signal.complaint.complaint_id', c.complaintId, limits.maxIdChars);
    v.maxLength('signal.complaint.category', c.category, limits.maxIdChars);
    v.maxLength('signal.complaint.text', c.text, limits.maxLiveSegmentChars);
    signal = { type: 'COMPLAINT', ...(c.complaintId ? { complaintId: c.complaintId } : {}), ...(c.category ? { category: c.category } : {}) };
  }

  if (signal) {
    try {
      validateLiveSignal(sequence, signal, policy);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const violation of error.violations) v.add(violation.field, violation.description, violation.reason);
    }
  } else {
    v.check(Number.isSafeInteger(sequence) && sequence > 0, 'signal.client_sequence', 'must be a positive integer', 'OUT_OF_RANGE');
  }
  v.throwIfAny('LIVESTREAM.INVALID_SIGNAL');
  return { livestreamId: s.livestreamId, sequence, signal: signal as LiveSignal };
};
