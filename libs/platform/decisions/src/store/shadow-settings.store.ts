import type { Actor } from '@govern/contracts-common';
import type { SqlTx } from '@govern/platform-db';
import { actorColumns, actorOfRow, safeText } from './decision-store';

/** One shadow policy setting of a kind; the newest row of a kind is in force. */
export interface ShadowSetting {
  kind: string;
  /** The candidate version; undefined when switched off without one. */
  candidateVersion?: string | undefined;
  enabled: boolean;
  note: string;
  changedAt: Date;
  changedBy: Actor;
  requestId?: string | undefined;
}

interface ShadowSettingRow {
  kind: string;
  candidate_version: string | null;
  enabled: boolean;
  note: string;
  changed_at: Date;
  actor_subject: string;
  actor_kind: string;
  actor_roles: string[];
  actor_service: string | null;
  request_id: string | null;
}

const settingOf = (row: ShadowSettingRow): ShadowSetting => ({
  kind: row.kind,
  candidateVersion: row.candidate_version ?? undefined,
  enabled: row.enabled,
  note: row.note,
  changedAt: row.changed_at,
  // The table's CHECK and NOT NULL columns guarantee an actor.
  changedBy: actorOfRow(row) as Actor,
  requestId: row.request_id ?? undefined,
});

/** The setting in force per kind. */
export const selectCurrentShadowSettings = async (tx: SqlTx): Promise<ShadowSetting[]> => {
  const rows = await tx.$queryRawUnsafe<ShadowSettingRow[]>(
    `SELECT DISTINCT ON (kind) kind, candidate_version, enabled, note, changed_at, actor_subject, actor_kind, actor_roles, actor_service, request_id
       FROM decision_shadow_settings ORDER BY kind, id DESC`,
  );
  return rows.map(settingOf);
};

/** Appends a setting (it is in force from now on). The actor must be of a known kind. */
export const insertShadowSetting = async (tx: SqlTx, setting: ShadowSetting): Promise<void> => {
  const [subject, kind, roles, service] = actorColumns(setting.changedBy);
  if (subject === null || kind === null) throw new Error('a shadow policy setting needs an actor of a known kind');
  await tx.$executeRawUnsafe(
    `INSERT INTO decision_shadow_settings (kind, candidate_version, enabled, note, changed_at, actor_subject, actor_kind, actor_roles, actor_service, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, ARRAY(SELECT jsonb_array_elements_text($8::jsonb)), $9, $10)`,
    setting.kind,
    setting.candidateVersion ?? null,
    setting.enabled,
    safeText(setting.note, 500),
    setting.changedAt,
    subject,
    kind,
    roles,
    service,
    setting.requestId ? safeText(setting.requestId, 128) : null,
  );
};

/**
 * Records `setting` for each kind that has never had one (a service's configured default),
 * leaving kinds an operator already set alone. A transaction-scoped advisory lock keeps two
 * replicas starting together from both writing it.
 */
export const insertShadowSettingsIfNone = async (tx: SqlTx, settings: readonly ShadowSetting[]): Promise<string[]> => {
  if (settings.length === 0) return [];
  await tx.$queryRawUnsafe(`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext('decision_shadow_settings'))) AS l`);
  const existing = new Set(
    (await tx.$queryRawUnsafe<{ kind: string }[]>(`SELECT DISTINCT kind FROM decision_shadow_settings WHERE kind = ANY($1::text[])`, settings.map((s) => s.kind))).map(
      (row) => row.kind,
    ),
  );
  const seeded: string[] = [];
  for (const setting of settings) {
    if (existing.has(setting.kind)) continue;
    await insertShadowSetting(tx, setting);
    seeded.push(setting.kind);
  }
  return seeded;
};
