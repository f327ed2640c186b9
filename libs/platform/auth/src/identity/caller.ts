/**
 * Who is calling, established once per call by the identity middleware and carried in the
 * call context (`context.caller`), then in audit records and event metadata.
 */
export type CallerKind = 'service' | 'system' | 'person' | 'anonymous';

export interface Caller {
  kind: CallerKind;
  /**
   * Stable identifier: the SPIFFE ID of a service (`spiffe://govern/content`), the token's
   * `sub` for people and systems, `anonymous` for a call with no credentials.
   */
  subject: string;
  /**
   * Workload name: the service named by a client certificate, or the OAuth client of a
   * system token (`client_id`). Undefined for people.
   */
  service?: string;
  /** Roles a token granted (empty for services: rules name services directly). */
  roles: readonly string[];
  /** The workload whose verified client certificate carried this person's or system's token. */
  via?: string;
  /** The token's `jti`, when it had one (ties an audit record to one token). */
  tokenId?: string;
}

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous', subject: 'anonymous', roles: Object.freeze([]) as readonly string[] });

/** What the identity middleware adds to a call's context. */
export interface CallerContextExt {
  caller: Caller;
}

/** A short, log-safe description: `person:alice`, `service:content`. */
export const describeCaller = (caller: Caller): string =>
  caller.kind === 'service' || caller.kind === 'system' ? `${caller.kind}:${caller.service ?? caller.subject}` : `${caller.kind}:${caller.subject}`;
