import { describe, expect, it } from 'vitest';
import { findSensitiveData, formatFindings, isCreditCode, isResidentId, type SensitiveKind } from './sensitive-scanner';

const kindsIn = (text: string, known?: string[]): SensitiveKind[] => findSensitiveData(text, known ? { known } : {}).map((f) => f.kind);

/** A pino line as the services write them: ids, times, durations, trace ids. Nothing in it is sensitive. */
const CLEAN_LINE = JSON.stringify({
  level: 30,
  time: '2026-03-01T10:00:00.123Z',
  service: 'merchant-access',
  rpc: '/govern.merchant_access.v1.MerchantAccessService/SubmitApplication',
  request_id: '3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f',
  trace_id: '0af7651916cd43dd8448eb211c80319c',
  span_id: 'b7ad6b7169203331',
  merchant_id: 'm-000123',
  order_id: 'order-13812345678',
  event_id: '018f2c1e-7b3a-7c4d-9e8f-1a2b3c4d5e6f',
  stream_seq: 123456789,
  amount_fen: 1999900,
  duration_ms: 12.4,
  licence: '9135***********Y43',
  phone: '138****5678',
  bank: '**** 0128',
  dsn: 'postgresql://postgres@127.0.0.1:5432/govern_content',
  msg: 'rpc finished',
});

describe('findSensitiveData', () => {
  it('finds nothing in ordinary log lines, masked values included', () => {
    expect(formatFindings(findSensitiveData(`${CLEAN_LINE}\n${CLEAN_LINE}\n`))).toBe('');
  });

  it('finds resident ID numbers whose check character is right, and only those', () => {
    expect(isResidentId('11010519491231002X')).toBe(true);
    expect(isResidentId('11010519491231002x')).toBe(true);
    expect(isResidentId('110105194912310021')).toBe(false); // wrong check character
    expect(isResidentId('110105194913310028')).toBe(false); // month 13
    expect(isResidentId('990105194912310021')).toBe(false); // no such province
    expect(kindsIn('{"msg":"applicant 11010519491231002X rejected"}')).toEqual(['resident-id']);
    expect(kindsIn('{"seq":"110105194912310021"}')).toEqual([]);
  });

  it('finds unified social credit codes (GB 32100), including the worked example of the standard', () => {
    for (const code of ['91350100M000100Y43', '914403001922038216', '91440300708461136T', '112302070019030687']) expect(isCreditCode(code)).toBe(true);
    expect(isCreditCode('91350100M000100Y44')).toBe(false);
    expect(kindsIn('licence=91440300708461136T;')).toEqual(['credit-code']);
  });

  it('finds card numbers that pass Luhn, also written in groups', () => {
    expect(kindsIn('card 6222021234567890128 used')).toEqual(['bank-card']);
    // A span id whose 16 hex digits are all decimal and pass Luhn is an id, not a card; the same digits elsewhere are a card.
    expect(kindsIn('{"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"6222021234567894"}')).toEqual([]);
    expect(kindsIn('{"card":"6222021234567894"}')).toEqual(['bank-card']);
    expect(kindsIn('card 6222 0212 3456 7890 128 used')).toEqual(['bank-card']);
    expect(kindsIn('card 6222021234567890123 used')).toEqual([]);
    expect(kindsIn('card 6222-0212-3456-7890-128 used')).toEqual(['bank-card']);
    // A request id whose first groups are digits that happen to pass Luhn is not a card.
    expect(kindsIn('"request_id":"54480967-3386-4174-8cd5-bf4bce3dfc58"')).toEqual([]);
    expect(kindsIn('"request_id":"ab12-5448-0967-3386-4174"')).toEqual([]);
  });

  it('finds mainland mobile numbers standing on their own', () => {
    expect(kindsIn('call 13812345678 now')).toEqual(['mobile-phone']);
    expect(kindsIn('call +86 138 1234 5678 now')).toEqual(['mobile-phone']);
  });

  it('finds identity numbers and account numbers logged under their field names, even when no pattern would', () => {
    const line = JSON.stringify({ application: { bankAccount: { accountNumber: '310066726018010123456' } }, legalRepIdNumber: 'E12345678' });
    const findings = findSensitiveData(line);
    expect(findings.map((f) => [f.kind, f.field])).toEqual([
      ['sensitive-field', 'accountNumber'],
      ['sensitive-field', 'legalRepIdNumber'],
    ]);
    expect(findSensitiveData(JSON.stringify({ accountNumber: '[redacted]', idNumber: '1****************X' }))).toEqual([]);
  });

  it('finds secrets: JWTs, bearer tokens, private keys (PEM and JWK), passwords in URLs, NATS seeds', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.MEUCIQDx4v0s2kL8Q7d2hnN0yWqg1vB3y5oL3nHf1c';
    expect(kindsIn(`token=${jwt}`)).toEqual(['jwt']);
    expect(kindsIn('authorization: Bearer s3cr3t-opaque-token-value')).toEqual(['bearer-token']);
    expect(kindsIn('"-----BEGIN PRIVATE KEY-----\\nMIGHAgEAMBMG..."')).toEqual(['private-key']);
    expect(kindsIn('-----BEGIN EC PRIVATE KEY-----')).toEqual(['private-key']);
    expect(kindsIn('-----BEGIN CERTIFICATE-----')).toEqual([]);
    expect(kindsIn('{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}')).toEqual([
      'jwk-private-key',
    ]);
    expect(kindsIn('{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"}')).toEqual([]);
    expect(kindsIn('DATABASE_URL=postgresql://govern:pa55word@db:5432/govern')).toEqual(['url-password']);
    expect(kindsIn('postgresql://govern:****@db:5432/govern')).toEqual([]);
    expect(kindsIn(`seed SUAM${'A'.repeat(54)}`)).toEqual(['nkey-seed']);
  });

  it('finds the exact values a test says must never appear', () => {
    expect(kindsIn('{"hash_key":"local-dev-identity-hash-key"}', ['local-dev-identity-hash-key'])).toEqual(['known-value']);
  });

  it('reports where, and masks what it reports', () => {
    const findings = findSensitiveData('clean\n  id 11010519491231002X');
    expect(findings).toEqual([{ kind: 'resident-id', line: 2, column: 6, masked: '11**************2X' }]);
    expect(formatFindings(findings)).toBe('2:6 resident-id 11**************2X');
  });
});
