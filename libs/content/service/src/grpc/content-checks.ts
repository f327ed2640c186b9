import type { ContentPolicy, EngagementFigures, LinkedProductRef } from '@govern/content-domain';
import type { EngagementMetrics, LinkedProductRef as LinkedProductMessage } from '@govern/contracts-content';
import { DEFAULT_REQUEST_LIMITS, INVALID, isInvalid, RequestChecks, REASON, type Checked } from '@govern/platform-grpc';

/**
 * The platform's request checks with content's bounds: ids as long as the content policy allows,
 * its (tighter) clock skew for reported times, notes as free text. Everything else — page sizes,
 * tokens, enums, storable text and times — is the platform's, so a client mistake gets the same
 * reason here as in every other service.
 */
export const contentChecks = (policy: ContentPolicy): RequestChecks =>
  new RequestChecks({
    ...DEFAULT_REQUEST_LIMITS,
    idMaxChars: policy.limits.maxIdChars,
    textMaxChars: policy.limits.maxNoteChars,
    clockSkewMs: policy.limits.maxClockSkewMs,
  });

/**
 * Text a domain validator bounds and requires itself (a video's title, captions, transcript, ids):
 * the edge only makes sure PostgreSQL can store it (no NUL, no lone surrogate), so a bad request
 * does not list the same violation twice.
 */
export const storableText = (checks: RequestChecks, field: string, value: string): Checked<string> =>
  checks.string(field, value, { required: false, maxChars: Number.MAX_SAFE_INTEGER });

/**
 * Linked products. `complete` checks everything (a livestream has no domain validator for its
 * links); otherwise the domain's `validateContentInput` requires, counts and de-duplicates them and
 * the edge checks only that the ids are storable and bounded.
 */
export const linkedProducts = (
  checks: RequestChecks,
  links: readonly LinkedProductMessage[],
  policy: ContentPolicy,
  options: { complete: boolean },
): Checked<LinkedProductRef[]> => {
  const idMax = policy.limits.maxIdChars;
  const refs = (): LinkedProductRef[] => links.map((l) => ({ productId: l.productId, merchantId: l.merchantId }));
  if (options.complete && isInvalid(checks.bounded('linked_products', links, { maxItems: policy.limits.maxLinkedProducts }))) return INVALID;
  // Too many links: the domain validator says so once, without a violation per link.
  if (links.length > policy.limits.maxLinkedProducts) return refs();
  const seen = new Set<string>();
  let ok = true;
  links.forEach((link, i) => {
    const product = checks.string(`linked_products[${i}].product_id`, link.productId, { required: options.complete, maxChars: idMax });
    const merchant = checks.string(`linked_products[${i}].merchant_id`, link.merchantId, { required: options.complete, maxChars: idMax });
    if (isInvalid(product) || isInvalid(merchant)) ok = false;
    else if (options.complete && seen.has(link.productId)) {
      checks.add(`linked_products[${i}].product_id`, 'is linked twice', REASON.DUPLICATE);
      ok = false;
    }
    seen.add(link.productId);
  });
  return ok ? refs() : INVALID;
};

/** Engagement figures a publisher reports: counts within what is believable, a completion rate in [0, 1]. */
export const engagementFigures = (checks: RequestChecks, metrics: EngagementMetrics | undefined, policy: ContentPolicy): Checked<EngagementFigures | undefined> => {
  if (!metrics) return undefined;
  const count = { min: 0n, max: BigInt(policy.limits.maxEngagementCount) };
  const figures = {
    views: checks.int64('engagement.views', metrics.views, count),
    likes: checks.int64('engagement.likes', metrics.likes, count),
    comments: checks.int64('engagement.comments', metrics.comments, count),
    shares: checks.int64('engagement.shares', metrics.shares, count),
    completionRate: checks.number('engagement.completion_rate', metrics.completionRate, { min: 0, max: 1 }),
  };
  const { views, likes, comments, shares, completionRate } = figures;
  if (isInvalid(views) || isInvalid(likes) || isInvalid(comments) || isInvalid(shares) || isInvalid(completionRate)) return INVALID;
  // Counts are bounded by maxEngagementCount (1e13), well within a double's exact integers.
  return { views: Number(views), likes: Number(likes), comments: Number(comments), shares: Number(shares), completionRate: metrics.completionRate };
};
