import { ActorKind, type Actor } from '@govern/contracts-common';
import type { SqlTx } from '@govern/platform-db';
import type { ResourceRef } from '../kinds/decision-kind';
import type { TimeWindow } from './decision-store';

/**
 * Reads of `audit_records` (platform migration 20261205200000_audit_records; rows are written by
 * platform-runtime in each mutation's transaction) through the raw SQL any service's Prisma
 * client offers. Newest first by (at, id), the order of the table's indexes.
 */
export interface StoredAuditRecord {
  /** BIGSERIAL row id: the keyset tiebreak of (at, id) order. */
  id: bigint;
  at: Date;
  action: string;
  requestId: string;
  actor: Actor;
  resource: ResourceRef;
  decision: string;
  reasonCodes: string[];
  policyVersion: string | undefined;
}

export interface AuditFilter {
  resource?: ResourceRef | undefined;
  actorSubject?: string | undefined;
  action?: string | undefined;
  window?: TimeWindow | undefined;
}

export interface AuditKey {
  at: Date;
  id: bigint;
}

interface AuditDbRow {
  id: bigint;
  at: Date;
  action: string;
  request_id: string;
  actor_subject: string;
  actor_kind: string;
  actor_roles: string[];
  actor_service: string | null;
  actor_via: string | null;
  resource_type: string;
  resource_id: string;
  decision: string;
  reason_codes: string[];
  policy_version: string | null;
}

const ACTOR_KINDS: Record<string, ActorKind> = { service: ActorKind.ACTOR_KIND_SERVICE, system: ActorKind.ACTOR_KIND_SYSTEM, person: ActorKind.ACTOR_KIND_PERSON };

/** The row's actor as the wire's: a person's `via` (the service that carried the token) is Actor.service, as when it was recorded. */
const actorOfRow = (row: AuditDbRow): Actor => ({
  subject: row.actor_subject,
  kind: ACTOR_KINDS[row.actor_kind] ?? ActorKind.ACTOR_KIND_UNSPECIFIED,
  roles: row.actor_roles,
  service: row.actor_service ?? row.actor_via ?? '',
});

export const selectAuditRecordPage = async (tx: SqlTx, filter: AuditFilter, page: { limit: number; before?: AuditKey | undefined }): Promise<StoredAuditRecord[]> => {
  const params: unknown[] = [];
  const where: string[] = [];
  if (filter.resource) where.push(`resource_type = $${params.push(filter.resource.type)} AND resource_id = $${params.push(filter.resource.id)}`);
  if (filter.actorSubject !== undefined) where.push(`actor_subject = $${params.push(filter.actorSubject)}`);
  if (filter.action !== undefined) where.push(`action = $${params.push(filter.action)}`);
  if (filter.window) where.push(`at >= $${params.push(filter.window.start)} AND at < $${params.push(filter.window.end)}`);
  if (page.before) where.push(`(at, id) < ($${params.push(page.before.at)}, $${params.push(page.before.id)})`);
  const rows = await tx.$queryRawUnsafe<AuditDbRow[]>(
    `SELECT id, at, action, request_id, actor_subject, actor_kind, actor_roles, actor_service, actor_via, resource_type, resource_id, decision, reason_codes, policy_version
       FROM audit_records ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY at DESC, id DESC LIMIT $${params.push(page.limit)}`,
    ...params,
  );
  return rows.map((row) => ({
    id: BigInt(row.id),
    at: row.at,
    action: row.action,
    requestId: row.request_id,
    actor: actorOfRow(row),
    resource: { type: row.resource_type, id: row.resource_id },
    decision: row.decision,
    reasonCodes: row.reason_codes,
    policyVersion: row.policy_version ?? undefined,
  }));
};
