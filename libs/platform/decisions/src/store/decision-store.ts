import { ActorKind, type Actor } from '@govern/contracts-common';
import type { SqlTx } from '@govern/platform-db';
import type { PolicyRef, Reason } from '@govern/policy-core';
import type { ResourceRef } from '../kinds/decision-kind';

/**
 * SQL over `decision_records` (migration 20261205100000_decision_records), through the raw
 * SQL any service's Prisma client (or transaction) offers, so no service schema changes.
 */

/** A decision as stored and read back. JSON fields are '' when a BASIC read left them out. */
export interface StoredDecision {
  /** Row id: the keyset tiebreak of (decided_at, id) order. */
  id: bigint;
  decisionId: string;
  kind: string;
  subjects: ResourceRef[];
  decidedAt: Date;
  policy: PolicyRef;
  inputJson: string;
  outcome: string;
  outcomeJson: string;
  reasons: Reason[];
  reasonCodes: string[];
  moneyAtStakeFen?: bigint | undefined;
  actor?: Actor | undefined;
  requestId?: string | undefined;
  correlationId?: string | undefined;
  shadow?: ShadowEvaluationRecord | undefined;
}

export interface ShadowEvaluationRecord {
  candidateVersion: string;
  /** '' when the candidate failed. */
  outcome: string;
  reasonCodes: string[];
  agrees: boolean;
  outcomeJson: string;
  /** '' when the candidate evaluated the input. */
  error: string;
}

export type NewDecisionRow = Omit<StoredDecision, 'id'>;

/** Ids, codes and names reach plain TEXT columns: no NUL (PostgreSQL refuses it), bounded. */
export const safeText = (value: string, max = 256): string => value.replaceAll('\u0000', '\uFFFD').slice(0, max);

const ACTOR_KIND_NAMES: Partial<Record<ActorKind, string>> = {
  [ActorKind.ACTOR_KIND_SERVICE]: 'service',
  [ActorKind.ACTOR_KIND_SYSTEM]: 'system',
  [ActorKind.ACTOR_KIND_PERSON]: 'person',
};
const ACTOR_KINDS: Record<string, ActorKind> = { service: ActorKind.ACTOR_KIND_SERVICE, system: ActorKind.ACTOR_KIND_SYSTEM, person: ActorKind.ACTOR_KIND_PERSON };

/** Actor columns of a row; an actor of unspecified kind is not recorded. */
export const actorColumns = (actor: Actor | undefined): [string | null, string | null, string, string | null] => {
  const kind = actor ? ACTOR_KIND_NAMES[actor.kind] : undefined;
  if (!actor || !kind) return [null, null, '[]', null];
  return [safeText(actor.subject), kind, JSON.stringify(actor.roles.map((role) => safeText(role, 64))), actor.service ? safeText(actor.service) : null];
};

export const actorOfRow = (row: { actor_subject: string | null; actor_kind: string | null; actor_roles: string[]; actor_service: string | null }): Actor | undefined => {
  if (row.actor_subject === null || row.actor_kind === null) return undefined;
  return { subject: row.actor_subject, kind: ACTOR_KINDS[row.actor_kind] ?? ActorKind.ACTOR_KIND_UNSPECIFIED, roles: row.actor_roles, service: row.actor_service ?? '' };
};

const subjectText = (subject: ResourceRef): string => `${safeText(subject.type, 64).replaceAll(':', '_')}:${safeText(subject.id)}`;

const subjectOfText = (text: string): ResourceRef => {
  const at = text.indexOf(':');
  return at < 0 ? { type: '', id: text } : { type: text.slice(0, at), id: text.slice(at + 1) };
};

const COLUMNS = 24;

/**
 * Inserts decisions in one statement (a cascade that decides ten thousand compensations
 * writes them at once). A decision id already recorded is left as it was: an idempotent
 * repeat of the deciding mutation records nothing twice. Returns how many rows were new.
 */
export const insertDecisionRows = async (tx: SqlTx, rows: readonly NewDecisionRow[]): Promise<number> => {
  if (rows.length === 0) return 0;
  const columns: (string | null)[][] = Array.from({ length: COLUMNS }, () => []);
  for (const row of rows) {
    const [actorSubject, actorKind, actorRoles, actorService] = actorColumns(row.actor);
    const values: (string | null)[] = [
      safeText(row.decisionId, 128),
      row.kind,
      JSON.stringify(row.subjects.map(subjectText)),
      row.decidedAt.toISOString(),
      safeText(row.policy.name, 128),
      safeText(row.policy.version, 128),
      row.inputJson,
      safeText(row.outcome, 128),
      row.outcomeJson,
      JSON.stringify(row.reasons),
      JSON.stringify(row.reasonCodes.map((code) => safeText(code, 128))),
      row.moneyAtStakeFen === undefined ? null : row.moneyAtStakeFen.toString(),
      actorSubject,
      actorKind,
      actorRoles,
      actorService,
      row.requestId ? safeText(row.requestId, 128) : null,
      row.correlationId ? safeText(row.correlationId, 128) : null,
      row.shadow ? safeText(row.shadow.candidateVersion, 128) : null,
      row.shadow ? safeText(row.shadow.outcome, 128) : null,
      row.shadow ? row.shadow.outcomeJson : null,
      row.shadow ? JSON.stringify(row.shadow.reasonCodes.map((code) => safeText(code, 128))) : null,
      row.shadow ? String(row.shadow.agrees) : null,
      row.shadow?.error ? safeText(row.shadow.error, 1000) : null,
    ];
    values.forEach((value, i) => columns[i]?.push(value));
  }
  const params = columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
  return tx.$executeRawUnsafe(
    `INSERT INTO decision_records (decision_id, kind, subjects, decided_at, policy_name, policy_version, input, outcome_code, outcome, reasons, reason_codes,
       money_at_stake_fen, actor_subject, actor_kind, actor_roles, actor_service, request_id, correlation_id,
       shadow_version, shadow_outcome_code, shadow_outcome, shadow_reason_codes, shadow_agrees, shadow_error)
     SELECT r.decision_id, r.kind, ARRAY(SELECT jsonb_array_elements_text(r.subjects::jsonb)), r.decided_at::timestamptz, r.policy_name, r.policy_version,
       r.input, r.outcome_code, r.outcome, r.reasons, ARRAY(SELECT jsonb_array_elements_text(r.reason_codes::jsonb)),
       r.money::bigint, r.actor_subject, r.actor_kind, ARRAY(SELECT jsonb_array_elements_text(r.actor_roles::jsonb)), r.actor_service, r.request_id, r.correlation_id,
       r.shadow_version, r.shadow_outcome_code, r.shadow_outcome,
       CASE WHEN r.shadow_reason_codes IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(r.shadow_reason_codes::jsonb)) END,
       r.shadow_agrees::boolean, r.shadow_error
     FROM unnest(${params}) AS r(decision_id, kind, subjects, decided_at, policy_name, policy_version, input, outcome_code, outcome, reasons, reason_codes,
       money, actor_subject, actor_kind, actor_roles, actor_service, request_id, correlation_id,
       shadow_version, shadow_outcome_code, shadow_outcome, shadow_reason_codes, shadow_agrees, shadow_error)
     ON CONFLICT (decision_id) DO NOTHING`,
    ...columns,
  );
};

interface DecisionDbRow {
  id: bigint;
  decision_id: string;
  kind: string;
  subjects: string[];
  decided_at: Date;
  policy_name: string;
  policy_version: string;
  input: string;
  outcome_code: string;
  outcome: string;
  reasons: string;
  reason_codes: string[];
  money_at_stake_fen: bigint | null;
  actor_subject: string | null;
  actor_kind: string | null;
  actor_roles: string[];
  actor_service: string | null;
  request_id: string | null;
  correlation_id: string | null;
  shadow_version: string | null;
  shadow_outcome_code: string | null;
  shadow_outcome: string | null;
  shadow_reason_codes: string[] | null;
  shadow_agrees: boolean | null;
  shadow_error: string | null;
}

/** Column list of a read; BASIC reads leave the (possibly large) JSON out. */
export const decisionColumns = (full: boolean): string =>
  `id, decision_id, kind, subjects, decided_at, policy_name, policy_version, ${full ? 'input' : "'' AS input"}, outcome_code,
   ${full ? 'outcome' : "'' AS outcome"}, reasons, reason_codes, money_at_stake_fen, actor_subject, actor_kind, actor_roles, actor_service,
   request_id, correlation_id, shadow_version, shadow_outcome_code, ${full ? 'shadow_outcome' : "'' AS shadow_outcome"}, shadow_reason_codes,
   shadow_agrees, shadow_error`;

const parseReasons = (text: string): Reason[] => {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (Array.isArray(parsed)) return parsed as Reason[];
  } catch {
    // falls through: the operator sees that the column is damaged rather than a failed read
  }
  return [{ code: 'DECISION_RECORD.REASONS_UNREADABLE', message: 'The recorded reasons cannot be read', evidence: {}, weight: 0 }];
};

export const storedDecisionOf = (row: DecisionDbRow): StoredDecision => ({
  id: row.id,
  decisionId: row.decision_id,
  kind: row.kind,
  subjects: row.subjects.map(subjectOfText),
  decidedAt: row.decided_at,
  policy: { name: row.policy_name, version: row.policy_version },
  inputJson: row.input,
  outcome: row.outcome_code,
  outcomeJson: row.outcome,
  reasons: parseReasons(row.reasons),
  reasonCodes: row.reason_codes,
  moneyAtStakeFen: row.money_at_stake_fen ?? undefined,
  actor: actorOfRow(row),
  requestId: row.request_id ?? undefined,
  correlationId: row.correlation_id ?? undefined,
  shadow:
    row.shadow_version === null
      ? undefined
      : {
          candidateVersion: row.shadow_version,
          outcome: row.shadow_outcome_code ?? '',
          reasonCodes: row.shadow_reason_codes ?? [],
          agrees: row.shadow_agrees ?? false,
          outcomeJson: row.shadow_outcome ?? '',
          error: row.shadow_error ?? '',
        },
});

export const selectDecision = async (tx: SqlTx, decisionId: string): Promise<StoredDecision | undefined> => {
  const rows = await tx.$queryRawUnsafe<DecisionDbRow[]>(`SELECT ${decisionColumns(true)} FROM decision_records WHERE decision_id = $1`, decisionId);
  return rows[0] && storedDecisionOf(rows[0]);
};

export interface TimeWindow {
  start: Date;
  end: Date;
}

export interface DecisionFilter {
  kind?: string | undefined;
  subject?: ResourceRef | undefined;
  window?: TimeWindow | undefined;
  correlationId?: string | undefined;
}

/** A position in (decided_at, id) order. */
export interface DecisionKey {
  decidedAt: Date;
  id: bigint;
}

const whereOf = (filter: DecisionFilter, params: unknown[]): string[] => {
  const where: string[] = [];
  const param = (value: unknown): string => `$${params.push(value)}`;
  if (filter.kind) where.push(`kind = ${param(filter.kind)}`);
  if (filter.subject) where.push(`subjects @> ARRAY[${param(subjectText(filter.subject))}]::text[]`);
  if (filter.window) where.push(`decided_at >= ${param(filter.window.start)} AND decided_at < ${param(filter.window.end)}`);
  if (filter.correlationId) where.push(`correlation_id = ${param(filter.correlationId)}`);
  return where;
};

/** One page newest first, strictly before `before` when given. */
export const selectDecisionPage = async (
  tx: SqlTx,
  filter: DecisionFilter,
  page: { limit: number; before?: DecisionKey | undefined; full: boolean },
): Promise<StoredDecision[]> => {
  const params: unknown[] = [];
  const where = whereOf(filter, params);
  if (page.before) where.push(`(decided_at, id) < ($${params.push(page.before.decidedAt)}, $${params.push(page.before.id)})`);
  const rows = await tx.$queryRawUnsafe<DecisionDbRow[]>(
    `SELECT ${decisionColumns(page.full)} FROM decision_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY decided_at DESC, id DESC LIMIT $${params.push(page.limit)}`,
    ...params,
  );
  return rows.map(storedDecisionOf);
};

/** One batch of a window oldest first, strictly after `after` when given: the walk of replays and backtests. */
export const selectWindowBatch = async (
  tx: SqlTx,
  filter: { kind?: string | undefined; window: TimeWindow },
  batch: { limit: number; after?: DecisionKey | undefined },
): Promise<StoredDecision[]> => {
  const params: unknown[] = [];
  const where = whereOf(filter, params);
  if (batch.after) where.push(`(decided_at, id) > ($${params.push(batch.after.decidedAt)}, $${params.push(batch.after.id)})`);
  const rows = await tx.$queryRawUnsafe<DecisionDbRow[]>(
    `SELECT ${decisionColumns(true)} FROM decision_records WHERE ${where.join(' AND ')}
     ORDER BY decided_at, id LIMIT $${params.push(batch.limit)}`,
    ...params,
  );
  return rows.map(storedDecisionOf);
};
