import { DAY, MINUTE, reason, type Reason } from '@govern/policy-core';
import { policyRef, type Explained } from './model';
import { inWindow, type Window } from './service-metrics';
import { SERVICE_NORM_POLICY, type ContactChannel, type ContactTopic, type ServiceHours, type ServiceNormPolicy } from './service-norm.policy';

/**
 * Merchant service norms (issue 19): when a buyer's contact must be answered, whether an answer
 * kept the norm, what counts as resolved, and a merchant's figures over a window. Windows are
 * half-open [start, end) on the contact's time; a contact counts for the response rate once it was
 * answered or its deadline passed by `now` (an open contact still within its SLA is not judged).
 */

/** The same instant in the policy's local time, as ms since the epoch (for day arithmetic only). */
const toLocal = (at: number, hours: ServiceHours): number => at + hours.utcOffsetMinutes * MINUTE;
const fromLocal = (local: number, hours: ServiceHours): number => local - hours.utcOffsetMinutes * MINUTE;

/** Whether an instant falls within service hours. */
export const inServiceHours = (at: Date, hours: ServiceHours): boolean => {
  const minuteOfDay = Math.floor((((toLocal(at.getTime(), hours) % DAY) + DAY) % DAY) / MINUTE);
  return minuteOfDay >= hours.opensAtMinute && minuteOfDay < hours.closesAtMinute;
};

/**
 * `start` plus `ms` of service-hours time: outside hours the clock waits for the next opening, and
 * a span that outlasts the day's hours carries over to the next day's. Hand-written: date
 * libraries add calendar time, not time within a daily window, and the window is one fixed offset.
 */
export const addServiceTime = (start: Date, ms: number, hours: ServiceHours): Date => {
  const open = hours.opensAtMinute * MINUTE;
  const close = hours.closesAtMinute * MINUTE;
  if (close <= open) throw new Error('service hours must close after they open');
  let local = toLocal(start.getTime(), hours);
  let remaining = ms;
  for (;;) {
    const dayStart = Math.floor(local / DAY) * DAY;
    if (local < dayStart + open) local = dayStart + open;
    if (local >= dayStart + close) {
      local = dayStart + DAY + open;
      continue;
    }
    const available = dayStart + close - local;
    if (remaining <= available) return new Date(fromLocal(local + remaining, hours));
    remaining -= available;
    local = dayStart + DAY + open;
  }
};

export interface ContactPlan extends Explained {
  firstReplyDueAt: Date;
}

/** When a new contact's first reply is due, by its channel's norm. */
export const planContact = (contact: { channel: ContactChannel; contactedAt: Date }, policy: ServiceNormPolicy = SERVICE_NORM_POLICY): ContactPlan => {
  const norm = policy.channels[contact.channel];
  const firstReplyDueAt = norm.serviceHoursOnly
    ? addServiceTime(contact.contactedAt, norm.firstReplyWithinMs, policy.serviceHours)
    : new Date(contact.contactedAt.getTime() + norm.firstReplyWithinMs);
  const outsideHours = norm.serviceHoursOnly && !inServiceHours(contact.contactedAt, policy.serviceHours);
  return {
    firstReplyDueAt,
    reasons: [
      reason(`SERVICE_NORM.${contact.channel}_FIRST_REPLY_DUE`, `The first reply is due within ${Math.round(norm.firstReplyWithinMs / MINUTE)} minutes${norm.serviceHoursOnly ? ' of service hours' : ''}`, {
        channel: contact.channel,
        first_reply_within_ms: String(norm.firstReplyWithinMs),
        service_hours_only: String(norm.serviceHoursOnly),
        first_reply_due_at: firstReplyDueAt.toISOString(),
      }),
      ...(outsideHours ? [reason('SERVICE_NORM.OUTSIDE_SERVICE_HOURS', 'The contact came outside service hours: its clock starts at the next opening')] : []),
    ],
    policy: policyRef(policy),
  };
};

export interface FirstReplyJudgement extends Explained {
  withinSla: boolean;
  /** Calendar time from the contact to the reply. */
  responseMs: number;
}

/** Whether a first reply kept the norm: at or before its due time is within, one moment after is a breach. */
export const judgeFirstReply = (
  contact: { channel: ContactChannel; contactedAt: Date; firstReplyDueAt: Date },
  repliedAt: Date,
  policy: ServiceNormPolicy = SERVICE_NORM_POLICY,
): FirstReplyJudgement => {
  const withinSla = repliedAt.getTime() <= contact.firstReplyDueAt.getTime();
  const evidence = { channel: contact.channel, first_reply_due_at: contact.firstReplyDueAt.toISOString(), replied_at: repliedAt.toISOString() };
  return {
    withinSla,
    responseMs: Math.max(0, repliedAt.getTime() - contact.contactedAt.getTime()),
    reasons: [
      withinSla
        ? reason('SERVICE_NORM.REPLIED_IN_TIME', 'The merchant replied within the norm', evidence)
        : reason('SERVICE_NORM.FIRST_REPLY_LATE', 'The merchant replied after the first reply was due', {
            ...evidence,
            late_by_ms: String(repliedAt.getTime() - contact.firstReplyDueAt.getTime()),
          }),
    ],
    policy: policyRef(policy),
  };
};

/** The deadline passed without any reply: a breach found by the contact's timer. */
export const unansweredBreach = (contact: { channel: ContactChannel; firstReplyDueAt: Date }, policy: ServiceNormPolicy = SERVICE_NORM_POLICY): Explained => ({
  reasons: [
    reason('SERVICE_NORM.NO_REPLY', 'The first reply was due and none came', { channel: contact.channel, first_reply_due_at: contact.firstReplyDueAt.toISOString() }),
  ],
  policy: policyRef(policy),
});

/** Whether the merchant's breaches in the rolling window make a violation candidate for merchant-access. */
export const violationCandidate = (breachesInWindow: number, policy: ServiceNormPolicy = SERVICE_NORM_POLICY): { candidate: boolean; reasons: Reason[] } => {
  const candidate = breachesInWindow >= policy.violationCandidate.minBreaches;
  return {
    candidate,
    reasons: candidate
      ? [
          reason('SERVICE_NORM.VIOLATION_CANDIDATE', `${breachesInWindow} service-norm breaches within ${Math.round(policy.violationCandidate.windowMs / DAY)} days`, {
            breaches: String(breachesInWindow),
            min_breaches: String(policy.violationCandidate.minBreaches),
            window_ms: String(policy.violationCandidate.windowMs),
          }),
        ]
      : [],
  };
};

/** What the service stores of one contact, for the figures. */
export interface ContactFact {
  contactId: string;
  merchantId: string;
  channel: ContactChannel;
  topic: ContactTopic;
  contactedAt: Date;
  firstReplyDueAt: Date;
  firstReplyAt?: Date | undefined;
  /** When the merchant marked a reply as resolving the contact. */
  resolvedMarkAt?: Date | undefined;
  rating?: number | undefined;
  /** The buyer's own verdict when rating: was the problem solved. */
  buyerResolved?: boolean | undefined;
  newBuyer: boolean;
}

/** Whether a contact counts as resolved under the policy. */
export const isResolved = (c: Pick<ContactFact, 'contactedAt' | 'resolvedMarkAt' | 'buyerResolved'>, policy: ServiceNormPolicy = SERVICE_NORM_POLICY): boolean => {
  if (policy.resolution.buyerVerdictPrevails && c.buyerResolved !== undefined) return c.buyerResolved;
  return c.resolvedMarkAt !== undefined && c.resolvedMarkAt.getTime() - c.contactedAt.getTime() <= policy.resolution.merchantMarkCountsWithinMs;
};

/**
 * Nearest-rank percentile of sorted values (0 when none). Hand-written: one line over an already
 * sorted array, where a statistics library would interpolate (a time no reply actually took).
 */
export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? 0;
};

export interface ServiceNormMetrics {
  window: Window;
  contacts: number;
  /** Contacts judged: answered, or their first reply due by now. */
  judged: number;
  answered: number;
  answeredWithinSla: number;
  breaches: number;
  /** Share of judged contacts answered within the norm (1 when none was judged). */
  responseRate: number;
  firstReplyP50Ms: number;
  firstReplyP90Ms: number;
  resolved: number;
  resolutionRate: number;
  ratings: number;
  satisfied: number;
  /** Share of ratings at or above the policy's satisfied mark (0 when none). */
  satisfactionRate: number;
  avgRating: number;
  policy: { name: string; version: string };
}

const share = (count: number, of: number, whenNone: number): number => (of > 0 ? count / of : whenNone);

/** A merchant's (or the platform's) service-norm figures over the contacts of a window. */
export const serviceNormMetrics = (contacts: readonly ContactFact[], window: Window, now: Date, policy: ServiceNormPolicy = SERVICE_NORM_POLICY): ServiceNormMetrics => {
  const inside = contacts.filter((c) => inWindow(c.contactedAt, window));
  const replyTimes: number[] = [];
  let judged = 0;
  let answeredWithinSla = 0;
  let resolved = 0;
  let ratings = 0;
  let satisfied = 0;
  let ratingSum = 0;
  for (const c of inside) {
    const repliedAt = c.firstReplyAt !== undefined && c.firstReplyAt.getTime() <= now.getTime() ? c.firstReplyAt.getTime() : undefined;
    if (repliedAt !== undefined) replyTimes.push(repliedAt - c.contactedAt.getTime());
    if (repliedAt !== undefined || c.firstReplyDueAt.getTime() <= now.getTime()) {
      judged += 1;
      if (repliedAt !== undefined && repliedAt <= c.firstReplyDueAt.getTime()) answeredWithinSla += 1;
    }
    if (isResolved(c, policy)) resolved += 1;
    if (c.rating !== undefined) {
      ratings += 1;
      ratingSum += c.rating;
      if (c.rating >= policy.satisfiedRatingAtLeast) satisfied += 1;
    }
  }
  replyTimes.sort((a, b) => a - b);
  return serviceNormMetricsFromCounts(
    window,
    {
      contacts: inside.length,
      judged,
      answered: replyTimes.length,
      answeredWithinSla,
      firstReplyP50Ms: percentile(replyTimes, 50),
      firstReplyP90Ms: percentile(replyTimes, 90),
      resolved,
      ratings,
      satisfied,
      ratingSum,
    },
    policy,
  );
};

/**
 * The counts behind the figures: the service aggregates them in SQL over its contacts (the same
 * rules as `serviceNormMetrics`, percentiles by nearest rank: PostgreSQL's percentile_disc); the
 * rates come from here, so both agree.
 */
export interface ServiceNormCounts {
  contacts: number;
  judged: number;
  answered: number;
  answeredWithinSla: number;
  firstReplyP50Ms: number;
  firstReplyP90Ms: number;
  resolved: number;
  ratings: number;
  satisfied: number;
  ratingSum: number;
}

export const serviceNormMetricsFromCounts = (window: Window, c: ServiceNormCounts, policy: ServiceNormPolicy = SERVICE_NORM_POLICY): ServiceNormMetrics => ({
  window,
  contacts: c.contacts,
  judged: c.judged,
  answered: c.answered,
  answeredWithinSla: c.answeredWithinSla,
  breaches: c.judged - c.answeredWithinSla,
  responseRate: share(c.answeredWithinSla, c.judged, 1),
  firstReplyP50Ms: c.firstReplyP50Ms,
  firstReplyP90Ms: c.firstReplyP90Ms,
  resolved: c.resolved,
  resolutionRate: share(c.resolved, c.contacts, 0),
  ratings: c.ratings,
  satisfied: c.satisfied,
  satisfactionRate: share(c.satisfied, c.ratings, 0),
  avgRating: share(c.ratingSum, c.ratings, 0),
  policy: policyRef(policy),
});
