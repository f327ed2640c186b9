/**
 * Service identities as SPIFFE IDs in a certificate's URI SAN: `spiffe://govern/<service>`.
 * One trust domain for the platform; the path is one workload name (kebab-case, as the
 * services are named: `merchant-access`).
 */
export const DEFAULT_TRUST_DOMAIN = 'govern';

const WORKLOAD_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export const isWorkloadName = (name: string): boolean => WORKLOAD_NAME.test(name);

export const spiffeIdOf = (service: string, trustDomain = DEFAULT_TRUST_DOMAIN): string => {
  if (!isWorkloadName(service)) throw new Error(`not a workload name (lowercase letters, digits and dashes): ${service}`);
  return `spiffe://${trustDomain}/${service}`;
};

/** The workload name of a SPIFFE ID in our trust domain, or undefined for anything else. */
export const workloadOfSpiffeId = (uri: string, trustDomain = DEFAULT_TRUST_DOMAIN): string | undefined => {
  const prefix = `spiffe://${trustDomain}/`;
  if (!uri.startsWith(prefix)) return undefined;
  const name = uri.slice(prefix.length);
  return isWorkloadName(name) ? name : undefined;
};

/**
 * Splits Node's `subjectaltname` text (`DNS:localhost, URI:spiffe://govern/content,
 * IP Address:127.0.0.1`). Node quotes a value as a JSON string when it holds a comma, quote or
 * other special character, so a crafted SAN cannot smuggle a second entry past this parser.
 */
export const parseSubjectAltNames = (text: string): { type: string; value: string }[] => {
  const entries: { type: string; value: string }[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (i >= text.length) break;
    const colon = text.indexOf(':', i);
    if (colon < 0) break;
    const type = text.slice(i, colon);
    i = colon + 1;
    let value: string;
    if (text[i] === '"') {
      // A JSON string literal: find its closing quote, honouring escapes.
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(text.slice(i, end + 1)) as string;
      } catch {
        value = '';
      }
      i = end + 1;
    } else {
      const comma = text.indexOf(', ', i);
      const end = comma < 0 ? text.length : comma;
      value = text.slice(i, end);
      i = end;
    }
    entries.push({ type, value });
  }
  return entries;
};

/**
 * The workload a verified peer certificate names. A SPIFFE X.509-SVID carries exactly one URI
 * SAN; a certificate with several (or none in our trust domain) names no workload.
 */
export const workloadOfCertificate = (subjectAltName: string | undefined, trustDomain = DEFAULT_TRUST_DOMAIN): string | undefined => {
  if (!subjectAltName) return undefined;
  const uris = parseSubjectAltNames(subjectAltName).filter((entry) => entry.type === 'URI');
  if (uris.length !== 1) return undefined;
  return workloadOfSpiffeId(uris[0]?.value ?? '', trustDomain);
};
