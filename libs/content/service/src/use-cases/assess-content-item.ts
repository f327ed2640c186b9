import type { ContentAssessmentRow, ContentItemRow, ContentProductLinkRow, CreditDeductionRow, Prisma } from '@govern/content-data-access';
import {
  type AttributionFigures,
  type ContentAssessmentResult,
  type ContentText,
  type CreatorStanding,
  type EngagementFigures,
  type LinkedProductRef,
  type Violation,
} from '@govern/content-domain';
import { ContentAssessedEvent, ContentTierChangedEvent } from '@govern/contracts-content';
import { DomainError, Violations, failedPrecondition, notFound } from '@govern/policy-core';
import { recordComplaint } from '../adapters/complaints.repository';
import {
  activePenaltyIds,
  claimFingerprint,
  linkFacts,
  linksAndPenaltyKeys,
  lockContentItem,
  merchantsOfKnownProducts,
  writeAssessment,
  type LinkWrite,
} from '../adapters/content-items.repository';
import { kindToProto, tierToProto, triggerToProto, type ContentKindName, type TriggerName } from '../mapping/enums';
import { engagementOf, stringsOf } from '../mapping/json';
import { qualityMessage, violationMessage } from '../mapping/messages';
import type { Work } from './work';
import { currentStanding } from './creator-standing';
import { imposePenalty, type ImposedPenalty } from './penalties';

export interface SubmittedContent {
  contentId: string;
  kind: ContentKindName;
  creatorId: string;
  livestreamId?: string | undefined;
  text: ContentText;
  links: readonly LinkedProductRef[];
  mediaFingerprint?: string | undefined;
  engagement?: EngagementFigures | undefined;
  trigger: TriggerName;
}

export interface AssessmentOutcome {
  item: ContentItemRow;
  links: ContentProductLinkRow[];
  assessment: ContentAssessmentRow;
  result: ContentAssessmentResult;
  penalty: ImposedPenalty | undefined;
  activePenaltyIds: string[];
  /** Product ids whose link went from UNLINKED to ACTIVE with this assessment. */
  relinkedProductIds: string[];
  /**
   * The creator's standing and deductions the assessment read before deciding. Unless it imposed a
   * penalty (which may deduct credit), they are the creator's as they stand after it: an answer
   * showing the creator's credit takes them instead of reading the deductions again.
   */
  standingRead: { standing: CreatorStanding; deductions: CreditDeductionRow[] };
}

interface AssessmentInput {
  contentId: string;
  kind: ContentKindName;
  creatorId: string;
  livestreamId: string | undefined;
  text: ContentText;
  links: readonly LinkedProductRef[];
  mediaFingerprint: string | undefined;
  engagement: EngagementFigures | undefined;
  trigger: TriggerName;
  complaintId?: string | undefined;
  note?: string | undefined;
}

/**
 * Reads (and the fingerprint's claim) an assessment needs whatever the stored item holds, sent early:
 * a submission sends them in the same write as the item's lock (a re-assessment, with the read of
 * its stored links). The server runs them behind the lock, in order, and the call waits
 * for one round trip instead of three (issue 13: each round trip costs the service a socket read,
 * a write and their promise chains). Each promise has a handler from the start: when the lock's
 * checks refuse the call, nobody awaits them and the unit rolls back.
 */
interface Prefetched {
  facts: Promise<LinkFacts>;
  standing: Promise<{ standing: CreatorStanding; deductions: CreditDeductionRow[] }>;
  /** The fingerprint's owner, when the submission names a fingerprint (else claimed once the stored item's is known). */
  owner: Promise<string> | undefined;
}

const handled = <T>(promise: Promise<T>): Promise<T> => {
  promise.catch(() => undefined);
  return promise;
};

/** The item, locked for this unit (advisory lock on its id, then the row). */
const lockedItem = (work: Work, contentId: string): Promise<ContentItemRow | null> => lockContentItem(work.sql, contentId);

/** Violation keys of the item's earlier penalties: punished ones are not punished twice, overturned ones are waived. */
const penaltyKeysOf = (penalties: readonly { state: string; violationKeys: Prisma.JsonValue }[]): PenaltyKeys => {
  const punished = new Set<string>();
  const waived = new Set<string>();
  for (const row of penalties) for (const key of stringsOf(row.violationKeys)) (row.state === 'OVERTURNED' ? waived : punished).add(key);
  for (const key of waived) punished.delete(key);
  return { punished, waived };
};

interface PenaltyKeys {
  punished: Set<string>;
  waived: Set<string>;
}

/** A stored item's links (in the creator's order) and the keys of its earlier penalties. */
const storedState = async (work: Work, existing: ContentItemRow | null, contentId: string): Promise<{ links: ContentProductLinkRow[]; keys: PenaltyKeys }> => {
  if (!existing) return { links: [], keys: { punished: new Set(), waived: new Set() } };
  const { links, penalties } = await linksAndPenaltyKeys(work.sql, contentId);
  return { links, keys: penaltyKeysOf(penalties) };
};

/**
 * Refuses links content cannot vouch for. A product is known from product-quality's events
 * (ListingApproved, ProductBanned) or from this item's earlier links; content never asks
 * another service's database. A link naming another merchant than the one the product belongs
 * to is bad input; a product never seen is NOT_FOUND (the caller may retry once the listing's
 * approval has reached content).
 */
const checkLinksKnown = async (
  links: readonly LinkedProductRef[],
  storedLinks: readonly ContentProductLinkRow[],
  knownProducts: Promise<{ product_id: string; merchant_id: string }[]>,
): Promise<void> => {
  if (links.length === 0) return;
  // The item's own links win over the known products (the merchant it was linked under stays).
  const merchantOf = new Map(storedLinks.map((l) => [l.productId, l.merchantId]));
  for (const k of await knownProducts) if (!merchantOf.has(k.product_id)) merchantOf.set(k.product_id, k.merchant_id);
  const mismatch = new Violations();
  const unknown: { field: string; productId: string }[] = [];
  links.forEach((link, i) => {
    const merchant = merchantOf.get(link.productId);
    if (merchant === undefined) unknown.push({ field: `linked_products[${i}].product_id`, productId: link.productId });
    else mismatch.check(merchant === link.merchantId, `linked_products[${i}].merchant_id`, `product ${link.productId} belongs to merchant ${merchant}`, 'MERCHANT_MISMATCH');
  });
  mismatch.throwIfAny('CONTENT.INVALID_INPUT');
  if (unknown.length > 0) {
    throw notFound(
      'CONTENT.UNKNOWN_PRODUCT',
      `Unknown product(s) ${unknown.map((u) => u.productId).join(', ')}: content has seen no approved listing for them yet`,
      { product_ids: unknown.map((u) => u.productId).join(','), fields: unknown.map((u) => u.field).join(',') },
    );
  }
};

interface LinkFacts {
  banned: Set<string>;
  removed: Set<string>;
  ineligible: Set<string>;
}

const loadLinkFacts = async (work: Work, links: readonly LinkedProductRef[]): Promise<LinkFacts> => {
  const facts: LinkFacts = { banned: new Set(), removed: new Set(), ineligible: new Set() };
  if (links.length === 0) return facts;
  const rows = await linkFacts(
    work.sql,
    links.map((l) => l.productId),
    [...new Set(links.map((l) => l.merchantId))],
  );
  for (const row of rows) facts[row.fact].add(row.id);
  return facts;
};

/** Sends the reads that depend only on the submission (see Prefetched); call in the turn that sends the lock. */
const prefetch = (
  work: Work,
  item: { creatorId: string; contentId: string; links: readonly LinkedProductRef[]; mediaFingerprint: string | undefined },
): Prefetched => {
  const { creatorId, contentId, links, mediaFingerprint } = item;
  return {
    facts: handled(loadLinkFacts(work, links)),
    standing: handled(currentStanding(work.sql, work.policy, work.now, creatorId)),
    owner: mediaFingerprint ? handled(claimFingerprint(work.sql, { fingerprint: mediaFingerprint, creatorId, contentId, at: work.now })) : undefined,
  };
};

const LINK_REFUSAL_CODES: Partial<Record<Violation['kind'], true>> = {
  BANNED_PRODUCT_LINK: true,
  REMOVED_MERCHANT_LINK: true,
  CREATOR_LINKING_SUSPENDED: true,
  CREATOR_PRIVILEGES_REVOKED: true,
};

/** Why each refused link is down: the first violation that refused it. */
const refusalCodes = (result: ContentAssessmentResult): Map<string, string> => {
  const codes = new Map<string, string>();
  const creatorWide = result.violations.find((v) => v.kind === 'CREATOR_LINKING_SUSPENDED' || v.kind === 'CREATOR_PRIVILEGES_REVOKED');
  for (const v of result.violations) {
    if (!LINK_REFUSAL_CODES[v.kind]) continue;
    const productId = v.reason.evidence['product_id'];
    if (productId && !codes.has(productId)) codes.set(productId, v.reason.code);
  }
  for (const id of result.refusedProductIds) if (!codes.has(id) && creatorWide) codes.set(id, creatorWide.reason.code);
  return codes;
};

/**
 * A penalty that only punishes links to one banned product, or to one removed merchant's goods,
 * follows that upstream fact: it is lifted with the ban or the removal (`cause_ref`).
 */
const upstreamCauseOf = (violationKeys: readonly string[]): string | undefined => {
  const refs = new Set(
    violationKeys.map((key) => {
      const [kind, id] = key.split(':');
      return kind === 'banned_product' ? `product:${id}` : kind === 'removed_merchant' ? `merchant:${id}` : 'other';
    }),
  );
  const [only] = refs;
  return refs.size === 1 && only !== 'other' ? only : undefined;
};

const run = async (
  work: Work,
  existing: ContentItemRow | null,
  storedLinks: readonly ContentProductLinkRow[],
  keys: PenaltyKeys,
  input: AssessmentInput,
  sent: Prefetched,
): Promise<AssessmentOutcome> => {
  const { now } = work;
  // The fingerprint was claimed with the other reads, unless it is the stored item's (known only now).
  const claimed =
    sent.owner ??
    (input.mediaFingerprint
      ? claimFingerprint(work.sql, { fingerprint: input.mediaFingerprint, creatorId: input.creatorId, contentId: input.contentId, at: now })
      : undefined);
  const [facts, standingRead, owner] = await Promise.all([sent.facts, sent.standing, claimed]);
  const { standing } = standingRead;
  const attribution: AttributionFigures | undefined =
    existing?.attributionReportedAt
      ? { orders: Number(existing.attributionOrders), refunds: Number(existing.attributionRefunds), complaints: Number(existing.attributionComplaints) }
      : undefined;

  // The outcome acted on is the one recorded: the rule runs once, through the decision log.
  const evaluation = await work.deps.decisions.evaluateWithShadow(work.deps.kinds.contentAssessment, {
    at: now,
    contentId: input.contentId,
    trigger: input.trigger,
    lexicon: work.deps.lexicon,
    creatorId: input.creatorId,
    text: input.text,
    linkedProducts: [...input.links],
    mediaFingerprint: input.mediaFingerprint,
    fingerprintOwnerId: owner,
    creator: {
      linkingAllowed: standing.linkingAllowed,
      linkingSuspendedUntil: standing.linkingSuspendedUntil,
      privilegesRevoked: standing.privilegesRevoked,
      credit: standing.credit,
      trafficLimited: standing.trafficLimited,
    },
    bannedProductIds: [...facts.banned].sort(),
    removedMerchantIds: [...facts.removed].sort(),
    affiliateIneligibleMerchantIds: [...facts.ineligible].sort(),
    attribution,
    engagement: input.engagement,
    punishedViolationKeys: [...keys.punished].sort(),
    waivedViolationKeys: [...keys.waived].sort(),
  });
  const result = evaluation.outcome;

  const assessmentId = work.newId();
  await work.recordDecisions([{ evaluation, decisionId: assessmentId }]);
  // Links: the given list replaces the stored one; each link is live unless a rule refuses it now.
  const previousState = new Map(storedLinks.map((l) => [l.productId, l.state]));
  const codes = refusalCodes(result);
  const linkRows = input.links.map((link, position): LinkWrite => ({
    productId: link.productId,
    merchantId: link.merchantId,
    position,
    state: codes.has(link.productId) ? 'UNLINKED' : 'ACTIVE',
    code: codes.get(link.productId) ?? null,
  }));
  const tierChanged = existing?.tier !== result.tier;
  const { item, assessment, links } = writeAssessment(work.sql, {
    existing,
    item: {
      contentId: input.contentId,
      kind: input.kind,
      creatorId: input.creatorId,
      livestreamId: input.livestreamId ?? null,
      title: input.text.title,
      captions: input.text.captions,
      transcript: input.text.transcript,
      mediaFingerprint: input.mediaFingerprint ?? null,
      tier: result.tier,
      trafficWeight: result.trafficWeight,
      latestAssessmentId: assessmentId,
      engagement: input.engagement,
      now,
    },
    tierChange: tierChanged ? { fromTier: existing?.tier ?? null, toTier: result.tier } : undefined,
    assessment: {
      id: assessmentId,
      trigger: input.trigger,
      violations: result.violations,
      quality: result.quality,
      reasons: result.reasons,
      policyName: result.policy.name,
      policyVersion: result.policy.version,
      complaintId: input.complaintId ?? null,
      note: input.note ?? null,
    },
    links: linkRows,
  });
  const relinkedProductIds = linkRows.filter((l) => l.state === 'ACTIVE' && previousState.get(l.productId) === 'UNLINKED').map((l) => l.productId);

  if (tierChanged && existing) {
    work.emit(ContentTierChangedEvent, {
      contentId: input.contentId,
      creatorId: input.creatorId,
      tier: tierToProto(result.tier),
      trafficWeight: result.trafficWeight,
      previousTier: tierToProto(existing.tier),
      previousTrafficWeight: existing.trafficWeight,
      reasons: result.reasons,
      policy: result.policy,
    });
  }

  let penalty: ImposedPenalty | undefined;
  const plan = result.penalty;
  if (plan) {
    penalty = await imposePenalty(work, {
      creatorId: input.creatorId,
      contentId: input.contentId,
      contentKind: input.kind,
      livestreamId: input.livestreamId,
      action: plan.action,
      severity: plan.severity,
      creditSeverity: plan.creditPoints > 0 ? plan.creditSeverity : undefined,
      source: 'ASSESSMENT',
      previousTier: existing ? (existing.tier as ContentAssessmentResult['tier']) : undefined,
      appliedTier: plan.action === 'LIMITED' || plan.action === 'BLOCKED' ? result.tier : undefined,
      // Only links this assessment took down: an overturn re-links exactly these.
      unlinkedProductIds: plan.unlinkProductIds.filter((id) => previousState.get(id) !== 'UNLINKED'),
      violationKeys: plan.violationKeys,
      causeRef: upstreamCauseOf(plan.violationKeys),
      reasons: plan.reasons,
      policy: result.policy,
    });
  }

  work.emit(ContentAssessedEvent, {
    contentId: input.contentId,
    creatorId: input.creatorId,
    kind: kindToProto(input.kind),
    assessmentId,
    trigger: triggerToProto(input.trigger),
    tier: tierToProto(result.tier),
    trafficWeight: result.trafficWeight,
    quality: qualityMessage(result.quality),
    violations: result.violations.map(violationMessage),
    reasons: result.reasons,
    policy: result.policy,
    productIds: links.filter((l) => l.state === 'ACTIVE').map((l) => l.productId),
  });

  // An item new with this unit has no penalty but the one it may have just imposed: nothing to read back.
  const active = existing === null && penalty === undefined ? [] : await activePenaltyIds(work.sql, input.contentId);
  return { item, links, assessment, result, penalty, activePenaltyIds: active, relinkedProductIds, standingRead };
};

/**
 * Assesses content as submitted (a video at publish or re-publish, a livestream at start): the
 * text, links and fingerprint given replace what was stored.
 */
export const assessSubmittedContent = async (work: Work, input: SubmittedContent): Promise<AssessmentOutcome> => {
  const locked = lockedItem(work, input.contentId);
  // The merchant of each linked product content knows of (from product-quality's events), for checkLinksKnown.
  const knownProducts = input.links.length > 0 ? handled(merchantsOfKnownProducts(work.sql, input.links.map((l) => l.productId))) : Promise.resolve([]);
  const sent = prefetch(work, { ...input, mediaFingerprint: input.mediaFingerprint || undefined });
  const existing = await locked;
  if (existing && existing.kind !== input.kind) {
    throw failedPrecondition('CONTENT.KIND_MISMATCH', `Content ${input.contentId} is a ${existing.kind.toLowerCase()}, not a ${input.kind.toLowerCase()}`, {
      content_id: input.contentId,
      kind: existing.kind,
    });
  }
  if (existing && existing.creatorId !== input.creatorId) {
    throw new DomainError('PERMISSION_DENIED', 'CONTENT.CREATOR_MISMATCH', `Content ${input.contentId} belongs to another creator`, { content_id: input.contentId });
  }
  const { links: storedLinks, keys } = await storedState(work, existing, input.contentId);
  await checkLinksKnown(input.links, storedLinks, knownProducts);
  const assessment: AssessmentInput = {
    contentId: input.contentId,
    kind: input.kind,
    creatorId: input.creatorId,
    livestreamId: input.livestreamId,
    text: input.text,
    links: input.links,
    mediaFingerprint: input.mediaFingerprint || existing?.mediaFingerprint || undefined,
    engagement: input.engagement ?? engagementOf(existing?.engagement ?? null),
    trigger: input.trigger,
  };
  return run(work, existing, storedLinks, keys, assessment, sent);
};

/** Re-assesses a stored item as it is (after a complaint, new attribution figures, an appeal, an operator's request). */
export const reassessStoredContent = async (
  work: Work,
  input: { contentId: string; trigger: TriggerName; complaintId?: string | undefined; note?: string | undefined },
): Promise<AssessmentOutcome> => {
  const existing = await lockedItem(work, input.contentId);
  if (!existing) throw notFound('CONTENT.NOT_FOUND', `Content item ${input.contentId} is not known`, { content_id: input.contentId });
  const { links: storedLinks, keys } = await storedState(work, existing, input.contentId);
  const links = storedLinks.map((l) => ({ productId: l.productId, merchantId: l.merchantId }));
  const sent = prefetch(work, { creatorId: existing.creatorId, contentId: existing.contentId, links, mediaFingerprint: undefined });
  const assessment: AssessmentInput = {
    contentId: existing.contentId,
    kind: existing.kind as ContentKindName,
    creatorId: existing.creatorId,
    livestreamId: existing.livestreamId ?? undefined,
    text: { title: existing.title, captions: existing.captions, transcript: existing.transcript },
    links,
    mediaFingerprint: existing.mediaFingerprint ?? undefined,
    engagement: engagementOf(existing.engagement),
    trigger: input.trigger,
    complaintId: input.complaintId,
    note: input.note,
  };
  return run(work, existing, storedLinks, keys, assessment, sent);
};

/**
 * A caller's re-assessment (ReassessContent): a complaint it names is recorded first (once per
 * complaint id, so it counts in the governance report), then the item is re-assessed.
 */
export const reassessForCaller = async (
  work: Work,
  input: { contentId: string; trigger: TriggerName; complaintId?: string | undefined; note?: string | undefined },
): Promise<AssessmentOutcome> => {
  if (input.trigger === 'COMPLAINT' && input.complaintId) {
    await recordComplaint(work.sql, { complaintId: input.complaintId, contentId: input.contentId, category: 'OTHER', receivedAt: work.now });
  }
  return reassessStoredContent(work, input);
};
