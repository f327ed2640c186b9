import { sql, type Sql } from '@govern/platform-db';

/**
 * Records a complaint against a content item this service knows, once per complaint id (a
 * redelivered ComplaintFiled or a retried ReassessContent records nothing new). Returns whether
 * it was recorded now: only a new complaint re-assesses the item.
 */
export const recordComplaint = async (db: Sql, complaint: { complaintId: string; contentId: string; category: string; receivedAt: Date }): Promise<boolean> =>
  (await db.execute(sql`
    INSERT INTO content_complaints (complaint_id, content_id, category, received_at)
    SELECT ${complaint.complaintId}::text, ${complaint.contentId}::text, ${complaint.category}::text, ${complaint.receivedAt}::timestamptz
     WHERE EXISTS (SELECT 1 FROM content_items WHERE content_id = ${complaint.contentId})
    ON CONFLICT DO NOTHING`)) > 0;
