import { foldText, isCjk } from '../shared/text';

/**
 * Title fingerprints catch re-uploads of banned products whose titles were edited just
 * enough to dodge an exact match: different case, full-width letters, extra spaces or
 * punctuation, Latin words in another order, spaces between Chinese characters.
 *
 * A title becomes a set of shingles: each Latin/digit word is one shingle; runs of CJK
 * characters (which have no word boundaries) become character bigrams, and separators
 * between CJK characters are ignored, so "连 衣 裙" reads as "连衣裙". The fingerprint is a
 * hash of the sorted set (stable, indexable for exact lookup); `titleSimilarity` compares
 * two sets (Jaccard) for near matches such as one added word.
 */

const WORD_CHAR = /[\p{L}\p{N}]/u;
const FINGERPRINT_PREFIX = 'tf1:';

export const titleShingles = (title: string): string[] => {
  const shingles = new Set<string>();
  let cjkRun: string[] = [];
  let word = '';
  const flushCjk = (): void => {
    if (cjkRun.length === 1) shingles.add(cjkRun[0] as string);
    for (let i = 0; i + 1 < cjkRun.length; i++) shingles.add(`${cjkRun[i]}${cjkRun[i + 1]}`);
    cjkRun = [];
  };
  const flushWord = (): void => {
    if (word.length > 0) shingles.add(word);
    word = '';
  };
  for (const char of foldText(title)) {
    if (isCjk(char)) {
      flushWord();
      cjkRun.push(char);
    } else if (WORD_CHAR.test(char)) {
      // A Latin word ends a CJK run: "华为P40手机" -> 华为 | p40 | 手机.
      flushCjk();
      word += char;
    } else {
      // Separators end words but not CJK runs (spacing tricks between characters).
      flushWord();
    }
  }
  flushWord();
  flushCjk();
  return [...shingles].sort();
};

/** FNV-1a 64-bit over UTF-16 code units: deterministic, dependency-free, not cryptographic. */
const fnv1a64 = (text: string): string => {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
};

/** Stable fingerprint of a title (equal for trivially edited titles); '' for a title without words. */
export const titleFingerprint = (title: string): string => {
  const shingles = titleShingles(title);
  return shingles.length === 0 ? '' : `${FINGERPRINT_PREFIX}${fnv1a64(shingles.join('\u0001'))}`;
};

/** Jaccard similarity (0..1) of two titles' shingle sets. */
export const titleSimilarity = (a: string | readonly string[], b: string | readonly string[]): number => {
  const setA = new Set(typeof a === 'string' ? titleShingles(a) : a);
  const setB = new Set(typeof b === 'string' ? titleShingles(b) : b);
  if (setA.size === 0 || setB.size === 0) return 0;
  let shared = 0;
  for (const s of setA) if (setB.has(s)) shared++;
  return shared / (setA.size + setB.size - shared);
};
