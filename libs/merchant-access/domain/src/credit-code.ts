/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015.
 *
 *   position 1      registration authority (登记管理部门代码)
 *   position 2      institution category within that authority (机构类别代码)
 *   positions 3-8   administrative division of the registering office (GB/T 2260)
 *   positions 9-17  subject identifier = organisation code (GB 11714, its own check char at 17)
 *   position 18     check character (GB/T 17710 style, mod 31, weights 3^i mod 31)
 *
 * All 18 characters come from 0-9 and the upper-case letters without I, O, Z, S, V.
 */

export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Authority -> institution categories it may register (GB 32100-2015 table 1 and its amendments). */
export const CREDIT_CODE_AUTHORITIES: Readonly<Record<string, { name: string; categories: Readonly<Record<string, string>> }>> = {
  '1': { name: '机构编制', categories: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' } },
  '2': { name: '外交', categories: { '1': '外国常住新闻机构', '9': '其他' } },
  '3': {
    name: '司法行政',
    categories: { '1': '律师执业机构', '2': '公证处', '3': '基层法律服务所', '4': '司法鉴定机构', '5': '仲裁委员会', '9': '其他' },
  },
  '4': { name: '文化', categories: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', categories: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': { name: '旅游', categories: { '1': '外国旅游部门常驻代表机构', '2': '港澳台地区旅游部门常驻内地（大陆）代表机构', '9': '其他' } },
  '7': { name: '宗教', categories: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', categories: { '1': '基层工会', '9': '其他' } },
  '9': { name: '工商', categories: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  A: { name: '中央军委改革和编制办公室', categories: { '1': '军队事业单位', '9': '其他' } },
  N: { name: '农业', categories: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' } },
  Y: { name: '其他', categories: { '1': '其他' } },
};

/** First two digits of GB/T 2260 division codes (provinces), plus 10 for national-level registration (100000). */
const PROVINCE_PREFIXES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

const FINAL_WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

const ORGANISATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

export type CreditCodeError =
  | 'EMPTY'
  | 'WRONG_LENGTH'
  | 'NOT_UPPER_CASE'
  | 'INVALID_CHARACTER'
  | 'UNKNOWN_AUTHORITY'
  | 'UNKNOWN_CATEGORY'
  | 'INVALID_REGION'
  | 'ORGANISATION_CHECK_MISMATCH'
  | 'CHECK_DIGIT_MISMATCH';

export type CreditCodeResult =
  | {
      valid: true;
      code: string;
      authority: string;
      authorityName: string;
      category: string;
      categoryName: string;
      regionCode: string;
      organisationCode: string;
    }
  | { valid: false; error: CreditCodeError; message: string; position?: number };

const fail = (error: CreditCodeError, message: string, position?: number): CreditCodeResult =>
  position === undefined ? { valid: false, error, message } : { valid: false, error, message, position };

/** The check character (position 18) for the first 17 characters, or undefined if they are not in the charset. */
export const creditCodeCheckChar = (first17: string): string | undefined => {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARSET.indexOf(first17[i] as string);
    if (value < 0) return undefined;
    sum += value * (FINAL_WEIGHTS[i] as number);
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31];
};

/** GB 11714 check character of an 8-character organisation code body: digits, then A=10 ... Z=35. */
export const organisationCheckChar = (body8: string): string | undefined => {
  if (body8.length !== 8) return undefined;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body8.charCodeAt(i);
    const value = ch >= 48 && ch <= 57 ? ch - 48 : ch >= 65 && ch <= 90 ? ch - 55 : -1;
    if (value < 0) return undefined;
    sum += value * (ORGANISATION_WEIGHTS[i] as number);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
};

/**
 * Validates a credit code exactly as given (callers trim surrounding whitespace first).
 * Lower-case letters are rejected, not upper-cased: the code is printed in upper case, and a
 * lower-case one usually means it was retyped, so the applicant should check it.
 */
export const validateCreditCode = (code: string): CreditCodeResult => {
  if (code.length === 0) return fail('EMPTY', 'credit code is empty');
  if (code.length !== 18) return fail('WRONG_LENGTH', `credit code must be 18 characters, got ${code.length}`);
  for (let i = 0; i < 18; i++) {
    const ch = code[i] as string;
    if (CREDIT_CODE_CHARSET.includes(ch)) continue;
    if (ch !== ch.toUpperCase() && CREDIT_CODE_CHARSET.includes(ch.toUpperCase())) {
      return fail('NOT_UPPER_CASE', `character ${i + 1} ('${ch}') must be upper case`, i + 1);
    }
    return fail('INVALID_CHARACTER', `character ${i + 1} ('${ch}') is not allowed (0-9, A-Z without I, O, S, V, Z)`, i + 1);
  }
  const authority = CREDIT_CODE_AUTHORITIES[code[0] as string];
  if (!authority) return fail('UNKNOWN_AUTHORITY', `'${code[0]}' is not a registration authority code`, 1);
  const categoryName = authority.categories[code[1] as string];
  if (!categoryName) {
    return fail('UNKNOWN_CATEGORY', `'${code[1]}' is not an institution category of authority '${code[0]}' (${authority.name})`, 2);
  }
  const regionCode = code.slice(2, 8);
  if (!/^\d{6}$/.test(regionCode) || !(PROVINCE_PREFIXES.has(regionCode.slice(0, 2)) || regionCode === '100000')) {
    return fail('INVALID_REGION', `'${regionCode}' is not an administrative division code`, 3);
  }
  const organisationCode = code.slice(8, 17);
  if (organisationCheckChar(organisationCode.slice(0, 8)) !== organisationCode[8]) {
    return fail('ORGANISATION_CHECK_MISMATCH', 'the organisation code (characters 9-17) fails its GB 11714 check', 17);
  }
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) {
    return fail('CHECK_DIGIT_MISMATCH', 'the check character (18) does not match the code', 18);
  }
  return {
    valid: true,
    code,
    authority: code[0] as string,
    authorityName: authority.name,
    category: code[1] as string,
    categoryName,
    regionCode,
    organisationCode,
  };
};
