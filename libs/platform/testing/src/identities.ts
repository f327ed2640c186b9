/**
 * Synthetic but well-formed Chinese business identities, for tests and the simulated
 * marketplace (`govern simulate`): unified social credit codes (GB 32100-2015, with the GB 11714
 * organisation-code check inside), resident ID numbers (GB 11643), mainland mobile numbers and
 * Luhn-valid settlement cards. Every value is derived from an index, so distinct indexes never
 * collide within a run. Written independently of merchant-access's validation on purpose: the
 * tests then check that validation against a second reading of the standards.
 */

/** Characters a credit code may contain: 0-9 and A-Z without I, O, S, V, Z. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** GB 32100-2015 weights of positions 1-17: 3^i mod 31. */
const CREDIT_WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

/** GB 11714 weights of the 8-character organisation code body. */
const ORGANISATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** Check character (position 18) of the first 17 characters of a credit code. */
export const creditCodeCheckChar = (first17: string): string => {
  if (first17.length !== 17) throw new Error(`credit code body must be 17 characters, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARSET.indexOf(first17[i] as string);
    if (value < 0) throw new Error(`'${first17[i]}' is not a credit code character`);
    sum += value * (CREDIT_WEIGHTS[i] as number);
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31] as string;
};

/** GB 11714 check character of an organisation code body (digits, then A=10 ... Z=35). */
export const organisationCheckChar = (body8: string): string => {
  if (body8.length !== 8) throw new Error(`organisation code body must be 8 characters, got ${body8.length}`);
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body8.charCodeAt(i);
    const value = ch >= 48 && ch <= 57 ? ch - 48 : ch >= 65 && ch <= 90 ? ch - 55 : -1;
    if (value < 0) throw new Error(`'${body8[i]}' is not an organisation code character`);
    sum += value * (ORGANISATION_WEIGHTS[i] as number);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
};

/** Whether an 18-character code carries both check characters right (format of GB 32100-2015). */
export const isValidCreditCode = (code: string): boolean => {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  const organisation = code.slice(8, 17);
  return organisationCheckChar(organisation.slice(0, 8)) === organisation[8] && creditCodeCheckChar(code.slice(0, 17)) === code[17];
};

/** Letters the organisation body may use: in both the GB 11714 and the credit-code character sets. */
const ORGANISATION_BODY_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/**
 * A credit code registered by the market regulator (authority 9) in `regionCode`: category 1
 * (enterprise), 2 (individual business) or 3 (farmers' cooperative); the organisation body is
 * spread over the index so consecutive indexes look unrelated.
 */
export const creditCodeFor = (index: number, regionCode: string, category: '1' | '2' | '3' = '1'): string => {
  let n = (index * 2_654_435_761 + 97) >>> 0;
  let body = '';
  for (let i = 0; i < 8; i++) {
    body += ORGANISATION_BODY_CHARS[n % ORGANISATION_BODY_CHARS.length];
    n = Math.floor(n / ORGANISATION_BODY_CHARS.length) + (i + 1) * 7_919 * (index + 1);
  }
  // The index itself in the last three body characters keeps codes of distinct indexes distinct.
  const tail = (index % 29_791).toString(31).toUpperCase().padStart(3, '0');
  body = body.slice(0, 5) + [...tail].map((c) => ORGANISATION_BODY_CHARS[parseInt(c, 31)]).join('');
  return creditCodeWithBody(body, regionCode, category);
};

/** The credit code of an organisation body (8 characters) registered by authority 9 in `regionCode`. */
const creditCodeWithBody = (body8: string, regionCode: string, category: '1' | '2' | '3'): string => {
  const first17 = `9${category}${regionCode}${body8}${organisationCheckChar(body8)}`;
  return first17 + creditCodeCheckChar(first17);
};

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK = '10X98765432';

/** GB 11643 resident ID number: region, birth date, sequence, ISO 7064 MOD 11-2 check character. */
export const residentIdFor = (index: number, regionCode: string, birth: { year: number; month: number; day: number }): string => {
  const date = `${birth.year}${String(birth.month).padStart(2, '0')}${String(birth.day).padStart(2, '0')}`;
  const first17 = `${regionCode}${date}${String(index % 1000).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (ID_WEIGHTS[i] as number);
  return first17 + ID_CHECK[sum % 11];
};

/** Mainland mobile number, unique per index (the multiplier is coprime to 10^8). */
export const mobileFor = (index: number, seed: number): string => {
  const prefixes = ['138', '139', '150', '158', '186', '177', '135', '199'];
  const body = (seed * 104_729 + index * 7_919) % 100_000_000;
  return `${prefixes[index % prefixes.length]}${String(body).padStart(8, '0')}`;
};

const luhnCheckDigit = (digits: string): string => {
  let sum = 0;
  let double = true;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
};

/** 19-digit settlement card (UnionPay BIN 622202), Luhn-valid, unique per index (below 10^8). */
export const bankCardFor = (index: number, seed: number): string => {
  const body = `622202${String(seed % 10_000).padStart(4, '0')}${String(index % 100_000_000).padStart(8, '0')}`;
  return body + luhnCheckDigit(body);
};

/** One applicant's identity numbers (seeded: the same seed, the same numbers). */
export interface SyntheticIdentity {
  creditCode: string;
  residentId: string;
  mobilePhone: string;
  bankCard: string;
}

/**
 * The identity numbers of test applicant `seed` (0 to 9,999,999), registered in Fuzhou: distinct
 * seeds share none of them, so a test chooses exactly which identifiers two applicants share.
 */
export const syntheticIdentity = (seed: number): SyntheticIdentity => {
  // Sequence numbers repeat every 1,000 seeds; the birth date moves on instead.
  const block = Math.floor(seed / 1_000);
  const birth = { year: 1965 + (Math.floor(block / 336) % 30), month: 1 + (Math.floor(block / 28) % 12), day: 1 + (block % 28) };
  return {
    creditCode: creditCodeWithBody(String(seed).padStart(8, '0'), '350100', '1'),
    residentId: residentIdFor(seed, '350102', birth),
    mobilePhone: mobileFor(seed, 0),
    bankCard: bankCardFor(seed, 0),
  };
};
