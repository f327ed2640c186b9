import {
  assessContent,
  CONTENT_POLICIES,
  LivestreamEscalation,
  type AttributionFigures,
  type ClaimScanner,
  type ContentAssessmentResult,
  type ContentText,
  type CreatorStanding,
  type EngagementFigures,
  type LinkedProductRef,
  type LiveDecision,
  type LivestreamSnapshot,
  type LiveSignal,
} from '@govern/content-domain';
import { decisionKindOfPolicies, type DecisionKind } from '@govern/platform-decisions';
import type { PolicyRef } from '@govern/policy-core';

/**
 * content's decision kinds (issue 16). Each records the input as evaluated — every fact the
 * rule read, the time included — so a replay with the recorded policy version recomputes the
 * same outcome. The claims lexicon is compiled once per process and shared: the facts name the
 * lexicon they were scanned with, and a record of another lexicon is refused (replays say
 * NOT_REPLAYABLE) rather than silently scanned with today's terms.
 */

/** A content item's assessment as evaluated: the submission and every fact looked up for it. */
export interface ContentAssessmentFacts {
  at: Date;
  contentId: string;
  trigger: string;
  lexicon: PolicyRef;
  creatorId: string;
  text: ContentText;
  linkedProducts: LinkedProductRef[];
  mediaFingerprint?: string | undefined;
  /** The creator who first published this fingerprint (the duplicate hit), if anyone did. */
  fingerprintOwnerId?: string | undefined;
  creator: Pick<CreatorStanding, 'linkingAllowed' | 'linkingSuspendedUntil' | 'privilegesRevoked' | 'credit' | 'trafficLimited'>;
  /** Linked products banned, their merchants removed or no longer affiliate-eligible (event-fed projections). */
  bannedProductIds: string[];
  removedMerchantIds: string[];
  affiliateIneligibleMerchantIds: string[];
  attribution?: AttributionFigures | undefined;
  engagement?: EngagementFigures | undefined;
  /** Violation keys earlier penalties of the item punished, and those an appeal overturned. */
  punishedViolationKeys: string[];
  waivedViolationKeys: string[];
}

/** A livestream signal that moved the session up a level, with the window the escalation read. */
export interface LivestreamActionFacts {
  at: Date;
  livestreamId: string;
  contentId: string;
  creatorId: string;
  lexicon: PolicyRef;
  sequence: number;
  signal: LiveSignal;
  /** The session before the signal: level, warnings, last sequence and the strikes in the window. */
  before: LivestreamSnapshot;
}

const requireLexicon = (recorded: PolicyRef, compiled: PolicyRef): void => {
  if (recorded.name !== compiled.name || recorded.version !== compiled.version) {
    throw new Error(`scanned with claims lexicon ${recorded.name}@${recorded.version}; this process has ${compiled.name}@${compiled.version}`);
  }
};

export interface ContentDecisionKinds {
  contentAssessment: DecisionKind<ContentAssessmentFacts, ContentAssessmentResult>;
  livestreamAction: DecisionKind<LivestreamActionFacts, LiveDecision>;
}

/** The kinds over the process's compiled lexicon (`lexicon` names it). */
export const contentDecisionKinds = (scanner: ClaimScanner, lexicon: PolicyRef): ContentDecisionKinds => ({
  contentAssessment: decisionKindOfPolicies({
    kind: 'content-assessment',
    policies: CONTENT_POLICIES,
    decide: (policy, facts: ContentAssessmentFacts): ContentAssessmentResult => {
      requireLexicon(facts.lexicon, lexicon);
      return assessContent(
        {
          creatorId: facts.creatorId,
          text: facts.text,
          linkedProducts: facts.linkedProducts,
          ...(facts.mediaFingerprint === undefined ? {} : { mediaFingerprint: facts.mediaFingerprint }),
          ...(facts.fingerprintOwnerId === undefined ? {} : { fingerprintOwnerId: facts.fingerprintOwnerId }),
          creator: facts.creator,
          bannedProductIds: new Set(facts.bannedProductIds),
          removedMerchantIds: new Set(facts.removedMerchantIds),
          affiliateIneligibleMerchantIds: new Set(facts.affiliateIneligibleMerchantIds),
          creatorTrafficLimited: facts.creator.trafficLimited,
          ...(facts.attribution === undefined ? {} : { attribution: facts.attribution }),
          ...(facts.engagement === undefined ? {} : { engagement: facts.engagement }),
          punishedViolationKeys: new Set(facts.punishedViolationKeys),
          waivedViolationKeys: new Set(facts.waivedViolationKeys),
        },
        scanner,
        policy,
      );
    },
    summarize: (result: ContentAssessmentResult) => ({ outcome: result.tier, reasons: [...result.reasons, ...(result.penalty?.reasons ?? [])] }),
    subjectOf: (facts) => [
      { type: 'content', id: facts.contentId },
      { type: 'creator', id: facts.creatorId },
      ...facts.linkedProducts.map((link) => ({ type: 'product', id: link.productId })),
    ],
  }),
  livestreamAction: decisionKindOfPolicies({
    kind: 'livestream-action',
    policies: CONTENT_POLICIES,
    decide: (policy, facts: LivestreamActionFacts): LiveDecision => {
      requireLexicon(facts.lexicon, lexicon);
      return new LivestreamEscalation({ scanner, policy, snapshot: facts.before }).handle(facts.sequence, facts.at.getTime(), facts.signal);
    },
    summarize: (decision: LiveDecision) => ({ outcome: decision.action, reasons: decision.reasons }),
    subjectOf: (facts) => [
      { type: 'livestream', id: facts.livestreamId },
      { type: 'content', id: facts.contentId },
      { type: 'creator', id: facts.creatorId },
    ],
  }),
});
