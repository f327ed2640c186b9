import type { AuditRecord, GovernanceOpsServiceDefinition } from '@govern/contracts-common';
import { runInTransaction, type SqlTx, type TransactionalClient } from '@govern/platform-db';
import { keysetPage, pageTokenCodec, RequestChecks, type GrpcServiceImplementation } from '@govern/platform-grpc';
import { selectAuditRecordPage, type StoredAuditRecord } from '../store/audit-store';

/**
 * ListAuditRecords of GovernanceOpsService: the service's audit trail (`audit_records`, one row
 * per committed mutation) by resource, actor, RPC and time, newest first. Request checks and
 * the page token are the platform-grpc request kit's.
 */
export interface AuditOpsHandlerOptions {
  db: TransactionalClient<SqlTx>;
}

type AuditHandlers = Pick<Required<GrpcServiceImplementation<typeof GovernanceOpsServiceDefinition>>, 'listAuditRecords'>;

const PAGE = { default: 50, max: 500 };
/** Keyset of (at, id) newest first; the row id is a BIGSERIAL. */
const auditPageToken = pageTokenCodec('time', 'int64');

export const auditRecordOf = (record: StoredAuditRecord): AuditRecord => ({
  auditRecordId: record.id.toString(),
  recordTime: record.at,
  actor: record.actor,
  rpc: record.action,
  resource: record.resource,
  requestId: record.requestId,
  decision: record.decision,
  reasonCodes: record.reasonCodes,
  policyVersion: record.policyVersion ?? '',
});

export const auditOpsHandlers = (options: AuditOpsHandlerOptions): AuditHandlers => ({
  async listAuditRecords(request, context) {
    const checks = new RequestChecks();
    const valid = checks.done({
      pageSize: checks.pageSize(request.pageSize, PAGE),
      before: checks.pageToken(auditPageToken, request.pageToken),
      resourceType: request.resource ? checks.string('resource.type', request.resource.type, { maxChars: 64 }) : undefined,
      resourceId: request.resource ? checks.string('resource.id', request.resource.id, { maxChars: 256 }) : undefined,
      actorSubject: checks.string('actor_subject', request.actorSubject, { required: false, maxChars: 256 }),
      rpc: checks.string('rpc', request.rpc, { required: false, maxChars: 256 }),
      window: request.window ? checks.window('window', request.window) : undefined,
    });
    const rows = await runInTransaction(
      options.db,
      (tx) =>
        selectAuditRecordPage(
          tx,
          {
            ...(valid.resourceType !== undefined && valid.resourceId !== undefined ? { resource: { type: valid.resourceType, id: valid.resourceId } } : {}),
            ...(valid.actorSubject ? { actorSubject: valid.actorSubject } : {}),
            ...(valid.rpc ? { action: valid.rpc } : {}),
            ...(valid.window ? { window: valid.window } : {}),
          },
          { limit: valid.pageSize + 1, ...(valid.before ? { before: { at: valid.before[0], id: valid.before[1] } } : {}) },
        ),
      { deadline: context.deadline },
    );
    const page = keysetPage(rows, valid.pageSize, auditPageToken, (last) => [last.at, last.id]);
    return { auditRecords: page.items.map(auditRecordOf), nextPageToken: page.nextPageToken };
  },
});
