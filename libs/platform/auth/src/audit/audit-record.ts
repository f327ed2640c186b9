import { join } from 'node:path';
import { ActorKind, type Actor } from '@govern/contracts-common';
import type { Caller } from '../identity/caller';
import { DEFAULT_TRUST_DOMAIN, spiffeIdOf } from '../identity/spiffe';

/**
 * Building blocks of the audit trail: the actor of events (EventMeta.actor) and the
 * `audit_records` row a mutation writes in its own transaction.
 */

/**
 * The platform migration that creates `audit_records`: one of platform-db's, which every service
 * copies unchanged into its own migrations (the generator copies them; platform-migration.spec
 * keeps the copies identical).
 */
export const AUDIT_RECORDS_MIGRATION_FILE = join(import.meta.dirname, '..', '..', '..', 'db', 'prisma', 'migrations', '20261205200000_audit_records', 'migration.sql');

const ACTOR_KINDS = { service: ActorKind.ACTOR_KIND_SERVICE, system: ActorKind.ACTOR_KIND_SYSTEM, person: ActorKind.ACTOR_KIND_PERSON } as const;

/** The caller as an event's actor. An anonymous caller never reaches a mutation (the authorization middleware refuses it). */
export const actorOf = (caller: Caller): Actor => {
  if (caller.kind === 'anonymous') throw new Error('an anonymous caller cannot be an actor: authorization admits it to public RPCs only');
  return { subject: caller.subject, kind: ACTOR_KINDS[caller.kind], roles: [...caller.roles], service: caller.service ?? caller.via ?? '' };
};

/** The service itself as actor: what its timers and sweeps do on their own. */
export const serviceActor = (service: string, trustDomain = DEFAULT_TRUST_DOMAIN): Actor => ({
  subject: spiffeIdOf(service, trustDomain),
  kind: ActorKind.ACTOR_KIND_SERVICE,
  roles: [],
  service,
});

export interface AuditRecord {
  at: Date;
  /** The RPC path without its leading slash, or `consumer:<durable>` / `job:<kind>`. */
  action: string;
  requestId: string;
  actor: Actor;
  resourceType: string;
  resourceId: string;
  /** The domain's decision, e.g. `MERCHANT_REMOVED`. */
  decision: string;
  reasonCodes?: readonly string[];
  policyVersion?: string | undefined;
}

const ACTOR_KIND_NAMES: Partial<Record<ActorKind, 'service' | 'system' | 'person'>> = {
  [ActorKind.ACTOR_KIND_SERVICE]: 'service',
  [ActorKind.ACTOR_KIND_SYSTEM]: 'system',
  [ActorKind.ACTOR_KIND_PERSON]: 'person',
};

/** Bounds what callers can make us store (ids and codes come from requests). */
const clip = (value: string, max = 256): string => value.slice(0, max);

/**
 * The INSERT of one record, for `tx.$executeRawUnsafe(sql, ...params)` inside the mutation's
 * transaction (or `pg`'s `query(sql, params)`).
 */
export const auditRecordInsert = (record: AuditRecord): { sql: string; params: unknown[] } => {
  const kind = ACTOR_KIND_NAMES[record.actor.kind];
  if (!kind) throw new Error(`audit record of ${record.action} has no actor kind`);
  return {
    sql: `INSERT INTO audit_records (at, action, request_id, actor_subject, actor_kind, actor_roles, actor_service, actor_via, resource_type, resource_id, decision, reason_codes, policy_version)
          VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, $10, $11, $12::text[], $13)`,
    params: [
      record.at,
      clip(record.action),
      clip(record.requestId, 128),
      clip(record.actor.subject),
      kind,
      record.actor.roles.map((role) => clip(role, 64)),
      kind === 'person' ? null : record.actor.service || null,
      kind === 'person' ? record.actor.service || null : null,
      clip(record.resourceType, 64),
      clip(record.resourceId),
      clip(record.decision, 128),
      (record.reasonCodes ?? []).map((code) => clip(code, 128)),
      record.policyVersion ? clip(record.policyVersion, 64) : null,
    ],
  };
};

/** Who did what to one resource, newest first: `$1` resource type, `$2` id, `$3` limit. */
export const AUDIT_RECORDS_OF_RESOURCE_SQL = `SELECT at, action, request_id, actor_subject, actor_kind, actor_roles, actor_service, actor_via, decision, reason_codes, policy_version
  FROM audit_records WHERE resource_type = $1 AND resource_id = $2 ORDER BY at DESC, id DESC LIMIT $3`;
