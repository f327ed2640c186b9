import { validateLiveSignal, type ContentPolicy, type LiveSignal } from '@govern/content-domain';
import type { StreamLivestreamSignalsRequest } from '@govern/contracts-content';
import { invalidField, REASON } from '@govern/platform-grpc';
import { contentChecks, storableText } from '../grpc/content-checks';

export interface ParsedSignal {
  livestreamId: string;
  sequence: number;
  signal: LiveSignal;
}

const INVALID_SIGNAL = 'LIVESTREAM.INVALID_SIGNAL';
const PAYLOADS = 'transcript_segment, viewer_signal or complaint';

/**
 * Reads one stream message into a domain signal, or throws a ValidationError listing every
 * problem (field paths as in the request: `signal.transcript_segment.text`). The platform's
 * request checks make the text storable and the times valid; the domain's `validateLiveSignal`
 * says what a signal must hold. The stream answers such a message with an error action and stays open.
 */
export const parseLiveSignal = (request: StreamLivestreamSignalsRequest, now: Date, policy: ContentPolicy): ParsedSignal => {
  const s = request.signal;
  if (!s) throw invalidField('signal', 'is required', REASON.REQUIRED, INVALID_SIGNAL);
  const checks = contentChecks(policy);
  const { limits } = policy;
  const livestreamId = checks.id('signal.livestream_id', s.livestreamId);
  const observeTime = checks.optionalTimestamp('signal.observe_time', s.observeTime, { now });
  const sequence = s.clientSequence <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s.clientSequence) : Number.NaN;

  const payloads = [s.transcriptSegment, s.viewerSignal, s.complaint].filter((p) => p !== undefined).length;
  let signal: LiveSignal | undefined;
  if (payloads === 0) checks.add('signal.payload', `one of ${PAYLOADS} is required`, REASON.REQUIRED);
  else if (payloads > 1) checks.add('signal.payload', `only one of ${PAYLOADS} may be set`, 'CONFLICT');
  else if (s.transcriptSegment) {
    const t = s.transcriptSegment;
    checks.check(t.startOffsetMs >= 0n && t.endOffsetMs >= t.startOffsetMs, 'signal.transcript_segment.end_offset_ms', 'offsets must satisfy 0 <= start <= end', REASON.OUT_OF_RANGE);
    // Required and bounded by the domain; storable here.
    storableText(checks, 'signal.transcript_segment.text', t.text);
    signal = { type: 'TRANSCRIPT', text: t.text };
  } else if (s.viewerSignal) {
    const w = s.viewerSignal;
    checks.string('signal.viewer_signal.report_category', w.reportCategory, { required: false, maxChars: limits.maxIdChars });
    const viewers = w.viewerCount <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(w.viewerCount) : Number.NaN;
    signal = { type: 'VIEWER', newReports: w.newReports, viewerCount: viewers, ...(w.reportCategory ? { reportCategory: w.reportCategory } : {}) };
  } else if (s.complaint) {
    const c = s.complaint;
    checks.optionalId('signal.complaint.complaint_id', c.complaintId);
    checks.optionalId('signal.complaint.category', c.category);
    checks.optionalText('signal.complaint.text', c.text, limits.maxLiveSegmentChars);
    signal = { type: 'COMPLAINT', ...(c.complaintId ? { complaintId: c.complaintId } : {}), ...(c.category ? { category: c.category } : {}) };
  }
  if (signal) checks.absorb(() => validateLiveSignal(sequence, signal, policy));
  else checks.check(Number.isSafeInteger(sequence) && sequence > 0, 'signal.client_sequence', 'must be a positive integer', REASON.OUT_OF_RANGE);

  const parsed = checks.done({ livestreamId, observeTime }, INVALID_SIGNAL);
  // done() threw unless a payload was read into a signal.
  return { livestreamId: parsed.livestreamId, sequence, signal: signal as LiveSignal };
};
