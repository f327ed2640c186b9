/** Durable job kinds of this service (scheduled_jobs.kind). Keys are single-use per kind. */
export const JOB = {
  DISPATCH_DEADLINE: 'DISPATCH_DEADLINE',
  FIRST_SCAN_DEADLINE: 'FIRST_SCAN_DEADLINE',
  MERCHANT_RESPONSE_DEADLINE: 'MERCHANT_RESPONSE_DEADLINE',
  DISPUTE_PAYMENT_DEADLINE: 'DISPUTE_PAYMENT_DEADLINE',
  REPORT_MERCHANT_METRICS: 'REPORT_MERCHANT_METRICS',
  REPORT_CONTENT_ATTRIBUTION: 'REPORT_CONTENT_ATTRIBUTION',
  REPORT_PRODUCT_STATS: 'REPORT_PRODUCT_STATS',
  INSPECTION_COMPENSATION_CHUNK: 'INSPECTION_COMPENSATION_CHUNK',
  MERCHANT_REMOVAL_CHUNK: 'MERCHANT_REMOVAL_CHUNK',
  /** A buyer contact's first reply fell due (key: contact id): no reply by then is a service-norm breach. */
  CONTACT_REPLY_DEADLINE: 'CONTACT_REPLY_DEADLINE',
  /** A new buyer's watch reached its first bound (key: the watch, "<kind>:<order or after-sale id>"). */
  CARE_NUDGE: 'CARE_NUDGE',
  /** A care case reached its second bound (key: case id): the platform steps in unless it was resolved. */
  CARE_STEP_IN: 'CARE_STEP_IN',
} as const;
