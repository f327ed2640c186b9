/**
 * Text normalisation shared by title fingerprints and brand matching: NFKC folds full-width
 * and compatibility forms ("ＡＢＣ１" -> "ABC1"), then case-folding; punctuation, symbols and
 * whitespace are dropped so "A-B C" and "abc" compare equal.
 */
const SEPARATORS = /[\p{P}\p{S}\p{Z}\p{C}\s]+/gu;

export const foldText = (text: string): string => text.normalize('NFKC').toLowerCase();

/** Folded text with every separator (punctuation, symbols, spaces, controls) removed. */
export const compactText = (text: string): string => foldText(text).replace(SEPARATORS, '');

/** Folded text split on separators into non-empty chunks. */
export const textChunks = (text: string): string[] => foldText(text).split(SEPARATORS).filter((c) => c.length > 0);

/** Characters that are written without spaces between words (Han, kana, Hangul). */
export const isCjk = (char: string): boolean => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(char);
