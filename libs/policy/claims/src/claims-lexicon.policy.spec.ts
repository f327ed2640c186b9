import { describe, expect, it } from 'vitest';
import { CLAIM_CATEGORIES } from './claim-types';
import { CLAIMS_LEXICON } from './claims-lexicon.policy';
import { compileClaimScanner } from './claim-scanner';

const isChinese = (term: string): boolean => /\p{Script=Han}/u.test(term);

describe('CLAIMS_LEXICON', () => {
  it('is versioned policy data of a focused size', () => {
    expect(CLAIMS_LEXICON.name).toBe('claims-lexicon');
    expect(CLAIMS_LEXICON.version).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
    expect(CLAIMS_LEXICON.terms.length).toBeGreaterThanOrEqual(150);
    expect(CLAIMS_LEXICON.terms.length).toBeLessThanOrEqual(300);
  });

  it('covers every category in both Chinese and English', () => {
    for (const category of CLAIM_CATEGORIES) {
      const inCategory = CLAIMS_LEXICON.terms.filter((t) => t.category === category);
      expect(inCategory.some((t) => isChinese(t.term)), `${category} zh`).toBe(true);
      expect(inCategory.some((t) => /^[\x20-\x7e]+$/.test(t.term) && /[a-z]/i.test(t.term)), `${category} en`).toBe(true);
    }
  });

  it('compiles, and every term is found in its own spelling', () => {
    const scanner = compileClaimScanner(CLAIMS_LEXICON);
    for (const term of CLAIMS_LEXICON.terms) {
      expect(scanner.scan(` ${term.term} `).map((hit) => hit.termId), term.term).toContain(term.id);
    }
  });

  it('keeps its allow phrases innocent of the term that lists them', () => {
    const scanner = compileClaimScanner(CLAIMS_LEXICON);
    for (const term of CLAIMS_LEXICON.terms) {
      for (const phrase of term.allow ?? []) {
        expect(scanner.scan(phrase).map((hit) => hit.termId), phrase).not.toContain(term.id);
      }
    }
  });
});
