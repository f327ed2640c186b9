import { describe, expect, it } from 'vitest';
import { parseSubjectAltNames, spiffeIdOf, workloadOfCertificate, workloadOfSpiffeId } from './spiffe';

describe('SPIFFE identities in certificates', () => {
  it('reads the one URI SAN of an X.509-SVID', () => {
    expect(workloadOfCertificate('DNS:localhost, URI:spiffe://govern/merchant-access, IP Address:127.0.0.1')).toBe('merchant-access');
  });

  it('names no workload for another trust domain, a nested path, several URI SANs or none', () => {
    expect(workloadOfCertificate('URI:spiffe://other/merchant-access')).toBeUndefined();
    expect(workloadOfCertificate('URI:spiffe://govern/merchant-access/admin')).toBeUndefined();
    expect(workloadOfCertificate('URI:spiffe://govern/content, URI:spiffe://govern/merchant-access')).toBeUndefined();
    expect(workloadOfCertificate('DNS:localhost')).toBeUndefined();
    expect(workloadOfCertificate(undefined)).toBeUndefined();
  });

  it('a quoted SAN value cannot smuggle a second entry past the parser', () => {
    // Node quotes values holding ", " as JSON strings: this is one DNS name, not a URI SAN.
    const crafted = 'DNS:"evil, URI:spiffe://govern/merchant-access"';
    expect(parseSubjectAltNames(crafted)).toEqual([{ type: 'DNS', value: 'evil, URI:spiffe://govern/merchant-access' }]);
    expect(workloadOfCertificate(crafted)).toBeUndefined();
  });

  it('builds and parses IDs symmetrically, refusing names that are not workload names', () => {
    expect(workloadOfSpiffeId(spiffeIdOf('consumer-experience'))).toBe('consumer-experience');
    expect(() => spiffeIdOf('Content')).toThrow(/workload name/);
    expect(() => spiffeIdOf('a/b')).toThrow(/workload name/);
  });
});
