import { recordComplaint } from '../adapters/complaints.repository';
import { recordAttribution } from '../adapters/content-items.repository';
import { reassessStoredContent } from './assess-content-item';
import type { Work } from './work';

/**
 * What buyers experienced, from consumer-experience. Each returns whether it changed anything:
 * a redelivered, repeated or reordered fact changes nothing and re-assesses nothing.
 */

/**
 * Attribution figures (orders, refunds, complaints after watching) feed the credible axis: the item
 * is re-assessed with them. Figures of an older or the same window as the ones kept are stale.
 */
export const attributionReported = async (
  work: Work,
  report: { contentId: string; orders: bigint; refunds: bigint; complaints: bigint; reportedAt: Date; eventId: string },
): Promise<boolean> => {
  if (!(await recordAttribution(work.sql, report))) return false;
  await reassessStoredContent(work, { contentId: report.contentId, trigger: 'SIGNAL_UPDATE', note: `attribution report ${report.eventId}` });
  return true;
};

/**
 * A buyer's complaint against a content item or livestream: recorded once per complaint, and the
 * item re-assessed (complaint → re-assessment → credit deduction → linking suspended at the threshold).
 */
export const complaintFiled = async (work: Work, complaint: { complaintId: string; contentId: string; category: string; receivedAt: Date }): Promise<boolean> => {
  if (!(await recordComplaint(work.sql, complaint))) return false;
  await reassessStoredContent(work, { contentId: complaint.contentId, trigger: 'COMPLAINT', complaintId: complaint.complaintId });
  return true;
};
