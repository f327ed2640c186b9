import { validateLiveSignal, type ContentPolicy, type LiveSignal } from '@govern/content-domain';
import { INVALID, invalidField, isInvalid, REASON, type Checked, type RequestChecks } from '@govern/platform-grpc';
import type { StreamLivestreamSignalsRequest } from '@govern/contracts-content';
import { contentChecks, storableText } from '../grpc/content-checks';

export interface ParsedSignal {
  livestreamId: string;
  sequence: number;
  signal: LiveSignal;
}

const INVALID_SIGNAL = 'LIVESTREAM.INVALID_SIGNAL';
const PAYLOADS = 'transcript_segment, viewer_signal or complaint';

/** The one payload of a signal as a domain signal; INVALID (with its violation) when there is none or more than one. */
const payloadOf = (checks: RequestChecks, s: NonNullable<StreamLivestreamSignalsRequest['signal']>, policy: ContentPolicy): Checked<LiveSignal> => {
  const { limits } = policy;
  const payloads = [s.transcriptSegment, s.viewerSignal, s.complaint].filter((p) => p !== undefined).length;
  if (payloads !== 1) {
    checks.add('signal.payload', payloads === 0 ? `one of ${PAYLOADS} is required` : `only one of ${PAYLOADS} may be set`, payloads === 0 ? REASON.REQUIRED : 'CONFLICT');
    return INVALID;
  }
  if (s.transcriptSegment) {
    const t = s.transcriptSegment;
    checks.check(t.startOffsetMs >= 0n && t.endOffsetMs >= t.startOffsetMs, 'signal.transcript_segment.end_offset_ms', 'offsets must satisfy 0 <= start <= end', REASON.OUT_OF_RANGE);
    // Required and bounded by the domain; storable here.
    storableText(checks, 'signal.transcript_segment.text', t.text);
    return { type: 'TRANSCRIPT', text: t.text };
  }
  if (s.viewerSignal) {
    const w = s.viewerSignal;
    checks.string('signal.viewer_signal.report_category', w.reportCategory, { required: false, maxChars: limits.maxIdChars });
    const viewers = w.viewerCount <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(w.viewerCount) : Number.NaN;
    return { type: 'VIEWER', newReports: w.newReports, viewerCount: viewers, ...(w.reportCategory ? { reportCategory: w.reportCategory } : {}) };
  }
  const c = s.complaint as NonNullable<typeof s.complaint>;
  checks.optionalId('signal.complaint.complaint_id', c.complaintId);
  checks.optionalId('signal.complaint.category', c.category);
  checks.optionalText('signal.complaint.text', c.text, limits.maxLiveSegmentChars);
  return { type: 'COMPLAINT', ...(c.complaintId ? { complaintId: c.complaintId } : {}), ...(c.category ? { category: c.category } : {}) };
};

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
  const livestreamId = checks.id('signal.livestream_id', s.livestreamId);
  const observeTime = checks.optionalTimestamp('signal.observe_time', s.observeTime, { now });
  const sequence = s.clientSequence <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s.clientSequence) : Number.NaN;

  const signal = payloadOf(checks, s, policy);
  if (isInvalid(signal)) checks.check(Number.isSafeInteger(sequence) && sequence > 0, 'signal.client_sequence', 'must be a positive integer', REASON.OUT_OF_RANGE);
  else checks.absorb(() => validateLiveSignal(sequence, signal, policy));

  const parsed = checks.done({ livestreamId, observeTime, signal }, INVALID_SIGNAL);
  return { livestreamId: parsed.livestreamId, sequence, signal: parsed.signal };
};
