/** Kinds of prohibited advertising claims (Advertising Law of the PRC, arts. 9, 16, 17, 28). */
export type ClaimCategory =
  /** Absolute terms (art. 9(3)): 最佳, 第一, 国家级, best, No.1. */
  | 'ABSOLUTE'
  /** Disease-treatment or medical efficacy on goods that are not drugs or devices (art. 17). */
  | 'MEDICAL_EFFICACY'
  /** Borrowed authority: state leaders and organs, doctors, inspection exemptions (arts. 9(2), 16). */
  | 'FALSE_AUTHORITY'
  /** Promised results: 100%有效, 无效退款, no side effects (arts. 16(1), 28). */
  | 'GUARANTEE';

export const CLAIM_CATEGORIES: readonly ClaimCategory[] = ['ABSOLUTE', 'MEDICAL_EFFICACY', 'FALSE_AUTHORITY', 'GUARANTEE'];

export type ClaimSeverity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/**
 * Severity as a rank 1..4, for ordering and for consumers' own ladders (content maps ranks
 * to creator-credit deductions in its policy; the lexicon does not).
 */
export const SEVERITY_RANK: Readonly<Record<ClaimSeverity, 1 | 2 | 3 | 4>> = { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

/**
 * A registration under which a claim is lawful: a drug may say 治疗, a registered
 * special-use cosmetic may say 祛斑, a registered health food may say 增强免疫力. The lexicon
 * still reports the hit; a consumer that knows the product's qualifications may waive it.
 */
export type ClaimQualification = 'DRUG' | 'MEDICAL_DEVICE' | 'SPECIAL_COSMETIC' | 'HEALTH_FOOD';

export interface ClaimTerm {
  /** Stable id, e.g. `ABS-ZH-002`; never reused for another term. */
  id: string;
  /** The term as written in the lexicon (simplified Chinese or English). */
  term: string;
  category: ClaimCategory;
  severity: ClaimSeverity;
  /**
   * Innocent phrases containing the term ("第一次", "best before"). A phrase found in the text
   * suppresses every hit that lies inside it. Each must contain the term.
   */
  allow?: readonly string[];
  /** Qualifications that make the claim lawful; absent when none does. */
  waivedBy?: readonly ClaimQualification[];
}

/** The lexicon is policy data: versioned, recorded with every decision that used it. */
export interface ClaimLexicon {
  name: string;
  version: string;
  normalisation: {
    /** Visible filler characters tolerated between two characters of one claim. */
    maxFillerRun: number;
  };
  terms: readonly ClaimTerm[];
}

/** One prohibited claim found in a text. Offsets are UTF-16 code units of the original text. */
export interface ClaimHit {
  termId: string;
  term: string;
  category: ClaimCategory;
  severity: ClaimSeverity;
  start: number;
  end: number;
  /** `text.slice(start, end)`: what the author actually wrote, evasions included. */
  matchedText: string;
}
