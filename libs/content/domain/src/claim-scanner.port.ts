import { severityRank, type Severity } from './content-types';
import type { ContentPolicy } from './content.policy';

/**
 * One prohibited claim found in a text. Structural on purpose: the shared claims lexicon
 * (`@govern/policy-claims`) fits it without content depending on its types.
 */
export interface ClaimHit {
  /** The lexicon term matched (canonical form). */
  term: string;
  /** Lexicon category, e.g. absolute term, medical claim, false authority, guarantee. */
  category: string;
  /** The lexicon's severity name; mapped onto ours by the policy's aliases. */
  severity: string;
  /** Offsets of the match in the scanned text: [start, end). */
  start: number;
  end: number;
}

/** Port to the claims lexicon. Must be fast: it runs on every livestream transcript segment. */
export interface ClaimScanner {
  scan(text: string): readonly ClaimHit[];
}

/** Maps a lexicon severity name onto ours; unknown names get the policy's fallback. */
export const claimSeverity = (raw: string, policy: ContentPolicy): Severity => {
  const upper = raw.toUpperCase();
  if (upper === 'LOW' || upper === 'MEDIUM' || upper === 'HIGH' || upper === 'CRITICAL') return upper;
  return policy.violations.claimSeverityAliases[raw.toLowerCase()] ?? policy.violations.claimSeverityFallback;
};

/**
 * Drops a hit that lies inside another hit of at least its severity ("第一" inside "全网第一"),
 * so one phrase is one claim: counted once for credit, quality and livestream strikes.
 */
export const collapseNested = <H extends ClaimHit>(hits: readonly H[], policy: ContentPolicy): H[] => {
  if (hits.length < 2) return [...hits];
  const rank = (h: ClaimHit): number => severityRank(claimSeverity(h.severity, policy));
  const sorted = [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: H[] = [];
  for (const hit of sorted) {
    let inside = false;
    for (let i = kept.length - 1; i >= 0; i--) {
      const k = kept[i] as H;
      if (k.end <= hit.start) continue;
      if (k.start <= hit.start && k.end >= hit.end && rank(k) >= rank(hit)) {
        inside = true;
        break;
      }
    }
    if (!inside) kept.push(hit);
  }
  return kept;
};
