import { SENSITIVE_LOG_KEYS } from './log-correlation';

/**
 * Finds identity numbers and secrets in text (log output of a test run, a dead letter, a
 * span dump), so a test can assert that none leaked. Formats are the ones merchant-access
 * validates (libs/merchant-access/domain: application-validation.ts, credit-code.ts,
 * identifiers.ts), re-implemented here as detectors: a platform lib may not import a
 * service's domain, and a detector must also reject look-alikes (an 18-digit number that
 * fails the check character is not an ID), which keeps a full simulation's logs free of
 * false alarms. Each check is the published algorithm (GB 11643 MOD 11-2, GB 32100 / GB 11714,
 * Luhn), short enough to read against its standard.
 */
export type SensitiveKind =
  | 'resident-id'
  | 'credit-code'
  | 'bank-card'
  | 'mobile-phone'
  | 'sensitive-field'
  | 'jwt'
  | 'bearer-token'
  | 'private-key'
  | 'jwk-private-key'
  | 'url-password'
  | 'nkey-seed'
  | 'known-value';

export interface SensitiveFinding {
  kind: SensitiveKind;
  /** 1-based line and column in the scanned text. */
  line: number;
  column: number;
  /** The match with its middle masked, so reporting a leak does not leak it again. */
  masked: string;
  /** The JSON key the value sat under, for `sensitive-field`. */
  field?: string;
}

export interface ScanOptions {
  /** Exact values that must not appear (the identifiers a simulation submitted, a configured secret). */
  known?: readonly string[];
  /** Kinds to look for; default all. */
  kinds?: readonly SensitiveKind[];
}

export const mask = (value: string): string => (value.length <= 6 ? '*'.repeat(value.length) : `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`);

// --- GB 11643 resident identity number: 6-digit region, birth date, sequence, MOD 11-2 check ---
const PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]);
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export const isResidentId = (candidate: string): boolean => {
  const id = candidate.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id) || !PROVINCES.has(Number(id.slice(0, 2)))) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || year > 2100 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * (ID_WEIGHTS[i] as number);
  return ID_CHECK[sum % 11] === id[17];
};

// --- GB 32100 unified social credit code: authority, category, region, GB 11714 organisation code, check ---
const CREDIT_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CATEGORIES: Record<string, string> = { '1': '1239', '2': '19', '3': '123459', '4': '19', '5': '1239', '6': '129', '7': '129', '8': '19', '9': '123', A: '19', N: '1239', Y: '1' };
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

const organisationCheck = (body: string): string | undefined => {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : -1;
    if (v < 0) return undefined;
    sum += v * (ORG_WEIGHTS[i] as number);
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
};

export const isCreditCode = (code: string): boolean => {
  if (code.length !== 18 || !(CREDIT_CATEGORIES[code[0] as string] ?? '').includes(code[1] as string)) return false;
  const region = code.slice(2, 8);
  if (!/^\d{6}$/.test(region) || !(PROVINCES.has(Number(region.slice(0, 2))) || region === '100000')) return false;
  if (organisationCheck(code.slice(8, 16)) !== code[16]) return false;
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CHARSET.indexOf(code[i] as string);
    if (v < 0) return false;
    sum += v * weight;
    weight = (weight * 3) % 31;
  }
  return CREDIT_CHARSET[(31 - (sum % 31)) % 31] === code[17];
};

export const luhnValid = (digits: string): boolean => {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double && (d *= 2) > 9) d -= 9;
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
};

interface Detector {
  kind: SensitiveKind;
  pattern: RegExp;
  /** The sensitive part of a match (default the whole match); undefined rejects it. */
  accept?: (match: RegExpExecArray) => string | undefined;
}

const DETECTORS: readonly Detector[] = [
  { kind: 'resident-id', pattern: /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g, accept: (m) => (isResidentId(m[0]) ? m[0] : undefined) },
  { kind: 'credit-code', pattern: /(?<![0-9A-Za-z])[0-9A-HJ-NP-RTUWXY]{18}(?![0-9A-Za-z])/g, accept: (m) => (isCreditCode(m[0]) ? m[0] : undefined) },
  {
    // Card numbers (UnionPay 62…, Visa, Mastercard…), also written in groups of four. Not the
    // digit groups of a UUID (`54480967-3386-4174-8cd5-…`): a run glued to more hyphenated
    // alphanumerics on either side is part of an identifier, however its digits add up.
    kind: 'bank-card',
    // Nor a span id: 16 hex digits that are now and then all decimal (about one line in a few
    // thousand starts with 3-6 and passes Luhn), written as the `span_id` field of a log line.
    pattern: /(?<![0-9A-Za-z]|[0-9A-Za-z]-|"span_id":")[3-6]\d{3}(?:[ -]?\d){12,15}(?![0-9A-Za-z]|-[0-9A-Za-z])/g,
    accept: (m) => {
      const digits = m[0].replace(/[ -]/g, '');
      return digits.length >= 16 && digits.length <= 19 && luhnValid(digits) ? m[0] : undefined;
    },
  },
  {
    // No checksum to lean on: a number glued to an id (`order-13812345678`) or a path is not taken for a phone.
    kind: 'mobile-phone',
    pattern: /(?<![0-9A-Za-z+_./:-])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])/g,
  },
  { kind: 'jwt', pattern: /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g },
  { kind: 'bearer-token', pattern: /\bBearer\s+([A-Za-z0-9._~+/=-]{16,})/gi, accept: (m) => m[1] },
  { kind: 'private-key', pattern: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/g },
  {
    kind: 'jwk-private-key',
    pattern: /\{[^{}]*\}/g,
    accept: (m) => (/"kty"\s*:/.test(m[0]) ? /"d"\s*:\s*"([A-Za-z0-9_-]{16,})"/.exec(m[0])?.[1] : undefined),
  },
  {
    // scheme://user:password@host — a password in a connection string.
    kind: 'url-password',
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"'<>]+:([^\s/@"'<>]+)@/gi,
    accept: (m) => (m[1] && !/^(\*+|\[redacted\]|x+)$/i.test(m[1]) ? m[1] : undefined),
  },
  { kind: 'nkey-seed', pattern: /(?<![A-Z2-7])S[UAONCPX][A-Z2-7]{56}(?![A-Z2-7])/g },
];

const SENSITIVE_KEYS = new Set([...SENSITIVE_LOG_KEYS, 'id_number', 'account_number', 'business_licence_code', 'contact_phone', 'legal_rep_id_number', 'credit_code'].map((k) => k.toLowerCase()));

/** Values logged under sensitive keys that are still in clear (masked or redacted ones are fine). */
const sensitiveFields = (value: unknown, found: { field: string; value: string }[], depth = 0): void => {
  if (depth > 8 || typeof value !== 'object' || value === null) return;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if ((typeof inner === 'string' || typeof inner === 'number') && SENSITIVE_KEYS.has(key.toLowerCase())) {
      const text = String(inner);
      if (text !== '' && text !== '[redacted]' && !/\*{2,}/.test(text)) found.push({ field: key, value: text });
    } else sensitiveFields(inner, found, depth + 1);
  }
};

/** Every identity number or secret found in `text`, line by line; empty when it is clean. */
export const findSensitiveData = (text: string, options: ScanOptions = {}): SensitiveFinding[] => {
  const kinds = new Set<SensitiveKind>(options.kinds ?? [...DETECTORS.map((d) => d.kind), 'sensitive-field', 'known-value']);
  const detectors = DETECTORS.filter((d) => kinds.has(d.kind));
  const known = (options.known ?? []).filter((v) => v.length >= 4);
  const findings: SensitiveFinding[] = [];
  text.split('\n').forEach((line, index) => {
    const at = (kind: SensitiveKind, column: number, value: string, field?: string): void => {
      findings.push({ kind, line: index + 1, column: column + 1, masked: mask(value), ...(field ? { field } : {}) });
    };
    for (const detector of detectors) {
      detector.pattern.lastIndex = 0;
      for (let m = detector.pattern.exec(line); m; m = detector.pattern.exec(line)) {
        const value = detector.accept ? detector.accept(m) : m[0];
        if (value !== undefined) at(detector.kind, m.index, value);
      }
    }
    if (kinds.has('known-value')) {
      for (const value of known) for (let i = line.indexOf(value); i >= 0; i = line.indexOf(value, i + 1)) at('known-value', i, value);
    }
    if (kinds.has('sensitive-field') && line.trimStart().startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      const found: { field: string; value: string }[] = [];
      sensitiveFields(parsed, found);
      for (const { field, value } of found) at('sensitive-field', Math.max(0, line.indexOf(`"${field}"`)), value, field);
    }
  });
  return findings;
};

/** One line per finding, for an assertion message: `3:17 resident-id 11**************1X`. */
export const formatFindings = (findings: readonly SensitiveFinding[]): string =>
  findings.map((f) => `${f.line}:${f.column} ${f.kind}${f.field ? ` (${f.field})` : ''} ${f.masked}`).join('\n');
