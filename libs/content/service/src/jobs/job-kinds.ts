/** Durable timers of the content service (rows of scheduled_jobs, run by ctx.jobs). */
export const JOB_KINDS = {
  /** The next batch of a cascade (product ban, merchant removal, unban, reinstatement, eligibility loss). */
  cascade: 'content.cascade',
  /** A credit deduction reaches the end of its lifetime: its points return. */
  deductionExpiry: 'content.credit_deduction_expiry',
  /** A creator's product-linking suspension reaches its end. */
  linkingSuspensionEnd: 'content.linking_suspension_end',
} as const;
