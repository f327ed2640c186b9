import type { ClaimHit, ClaimScanner } from '../claim-scanner.port';

/** A tiny stand-in for the shared lexicon: exact, case-insensitive term matches. Specs only. */
export const fakeClaimScanner = (terms: Record<string, { category: string; severity: string }>): ClaimScanner => ({
  scan(text: string): ClaimHit[] {
    const lower = text.toLowerCase();
    const hits: ClaimHit[] = [];
    for (const [term, { category, severity }] of Object.entries(terms)) {
      const needle = term.toLowerCase();
      for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + needle.length)) {
        hits.push({ term, category, severity, start: at, end: at + needle.length });
      }
    }
    return hits.sort((a, b) => a.start - b.start);
  },
});

export const SCANNER = fakeClaimScanner({
  best: { category: 'ABSOLUTE', severity: 'LOW' },
  '第一': { category: 'ABSOLUTE', severity: 'MEDIUM' },
  '全网第一': { category: 'ABSOLUTE', severity: 'HIGH' },
  '100%有效': { category: 'GUARANTEE', severity: 'HIGH' },
  'cures cancer': { category: 'MEDICAL', severity: 'CRITICAL' },
});
