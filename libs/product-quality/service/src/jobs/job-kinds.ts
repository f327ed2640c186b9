/** Durable job kinds of this service (scheduled_jobs.kind). Keys are single-use per kind. */
export const JOB = {
  /** The rest of a removed merchant's products, when there are more than one transaction bans. */
  MERCHANT_REMOVAL_CONTINUE: 'product_quality.merchant_removal.continue',
  /** Restore a counter-noticed product when the owner's response window ends. */
  IP_RESTORE_DUE: 'product_quality.ip_complaint.restore_due',
} as const;
