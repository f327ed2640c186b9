/**
 * Identifiers that link merchants. The domain normalises them (so "6222 0212-3456" and
 * "62220212 3456" are one account); the adapter then takes a keyed hash (HMAC with a secret)
 * of `identifierKey(kind, normalised)` and stores only that. Identity numbers are never kept
 * or returned in clear: masks below are what responses may show.
 */

export const IdentifierKind = {
  LEGAL_REP_ID: 'LEGAL_REP_ID',
  BANK_ACCOUNT: 'BANK_ACCOUNT',
  PHONE: 'PHONE',
  DEVICE: 'DEVICE',
  ADDRESS: 'ADDRESS',
  LICENCE: 'LICENCE',
} as const;
export type IdentifierKind = (typeof IdentifierKind)[keyof typeof IdentifierKind];
export const IDENTIFIER_KINDS: readonly IdentifierKind[] = Object.values(IdentifierKind);

/** An identifier in clear, as submitted. Lives only as long as the request. */
export interface RawIdentifier {
  kind: IdentifierKind;
  value: string;
}

/** Spaces (including full-width and zero-width ones), hyphens and dashes of every width. */
const SEPARATORS = /[\s\u200b\u3000\-\u2010-\u2015\u2212\uff0d_]/g;
const ADDRESS_NOISE = /[\s\u3000,，.。、;；:：'"“”‘’()（）#＃\-\u2010-\u2015\uff0d/\\]/g;

/**
 * Canonical form of an identifier: NFKC (full-width digits and letters become ASCII), separators
 * removed, upper-cased. Phones lose a +86 / 0086 / 86 country prefix. Addresses also lose
 * punctuation, so "1号楼, 302室" and "1号楼302室" are one address.
 */
export const normaliseIdentifier = (kind: IdentifierKind, value: string): string => {
  const nfkc = value.normalize('NFKC');
  if (kind === 'ADDRESS') return nfkc.replace(ADDRESS_NOISE, '').toUpperCase();
  let out = nfkc.replace(SEPARATORS, '').replace(/[()]/g, '').toUpperCase();
  if (kind === 'PHONE') out = out.replace(/^(?:\+86|0086|86)(?=1\d{10}$)/, '');
  return out;
};

/** The string the adapter hashes: the kind is part of it, so a phone never collides with an account number. */
export const identifierKey = (kind: IdentifierKind, normalised: string): string => `${kind}:${normalised}`;

const maskMiddle = (value: string, keepStart: number, keepEnd: number): string => {
  const chars = [...value];
  if (chars.length <= keepStart + keepEnd) return '*'.repeat(chars.length);
  return chars.slice(0, keepStart).join('') + '*'.repeat(chars.length - keepStart - keepEnd) + chars.slice(chars.length - keepEnd).join('');
};

/** First 4 and last 3 characters: "91350100M000100Y43" -> "9135***********Y43". */
export const maskCreditCode = (code: string): string => maskMiddle(code, 4, 3);
/** "13812345678" -> "138****5678". */
export const maskPhone = (phone: string): string => maskMiddle(phone, 3, 4);
/** Only the last four digits of an account: "**** 1234". */
export const maskBankAccount = (account: string): string => `**** ${account.slice(-4)}`;
/** Identity document numbers: first and last character only. */
export const maskIdNumber = (id: string): string => maskMiddle(id, 1, 1);
/** Person names keep their first character: "张三丰" -> "张**". */
export const maskPersonName = (name: string): string => {
  const chars = [...name.trim()];
  return chars.length === 0 ? '' : (chars[0] as string) + '*'.repeat(Math.max(1, chars.length - 1));
};
