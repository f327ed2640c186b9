import type { BrandAuthorisationRow, BrandRow, IpComplaintRow, ProductQualityTx } from '@govern/product-quality-data-access';
import {
  type Ban,
  type BrandAuthorisationRecord,
  type BrandRecord,
  compactText,
  decideIpComplaint as decideComplaint,
  escalateIpComplaint as escalateComplaint,
  fileCounterNotice as counterNotice,
  fileIpComplaint as fileComplaint,
  IP_COMPLAINT_POLICY,
  type IpComplaint,
  type IpComplaintKind,
  restoreIfOwnerSilent,
} from '@govern/product-quality-domain';
import { cancelJobs, scheduleJobs } from '@govern/platform-db';
import { alreadyExists, DomainError, failedPrecondition, notFound } from '@govern/policy-core';
import { findBan } from '../adapters/prisma-ban.repository';
import { OutboxBatch, type EventCause } from '../events/emit';
import { jsonStrings, reasonsJson } from '../mapping/json';
import { ipComplaintFromRow } from '../mapping/resources';
import { banProducts, liftBans } from './ban-products';
import type { UseCaseDeps } from './deps';

/** Durable timer: restore a counter-noticed product when the owner's response window ends. */
export const IP_RESTORE_JOB = 'product_quality.ip_complaint.restore_due';

export interface RegisterBrandCommand {
  name: string;
  aliases: readonly string[];
  ownerId: string;
  trademarkNumber: string;
  authorisationRequired: boolean;
  categoryCodes: readonly string[];
  expiresAt?: Date | undefined;
}

/** Registers a brand; its name and aliases are matched normalised, as the gate compares them. */
export const registerBrand = async (tx: ProductQualityTx, deps: UseCaseDeps, command: RegisterBrandCommand): Promise<BrandRow> => {
  const nameKey = compactText(command.name);
  const matchKeys = [...new Set([command.name, ...command.aliases].map(compactText).filter((k) => k !== ''))];
  const brandId = deps.ids.next();
  const inserted = await tx.$executeRawUnsafe(
    `INSERT INTO brands (brand_id, name, name_key, aliases, match_keys, owner_id, trademark_number, authorisation_required, category_codes, registered_at, expires_at)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9::jsonb, $10, $11)
     ON CONFLICT (name_key) DO NOTHING`,
    brandId,
    command.name,
    nameKey,
    JSON.stringify(command.aliases),
    JSON.stringify(matchKeys),
    command.ownerId,
    command.trademarkNumber,
    command.authorisationRequired,
    JSON.stringify(command.categoryCodes),
    deps.clock.now(),
    command.expiresAt ?? null,
  );
  if (inserted === 0) throw alreadyExists('BRAND.ALREADY_REGISTERED', 'A brand with this name is already registered', { name: command.name });
  return tx.brand.findUniqueOrThrow({ where: { brandId } });
};

/** The merchant's authorisations for the brands (an IP complaint is answered by a valid one). */
const findAuthorisations = async (tx: ProductQualityTx, merchantId: string, brandIds: readonly string[]): Promise<BrandAuthorisationRecord[]> => {
  const rows = await tx.brandAuthorisation.findMany({ where: { merchantId, brandId: { in: [...brandIds] } } });
  return rows.map((r) => ({
    authorisationId: r.authorisationId,
    brandId: r.brandId,
    merchantId: r.merchantId,
    categoryCodes: jsonStrings(r.categoryCodes),
    validFrom: r.validFrom,
    validUntil: r.validUntil ?? undefined,
    revokedAt: r.revokedAt ?? undefined,
  }));
};

const brandNotFound = (brandId: string) => notFound('BRAND.NOT_FOUND', 'No such brand', { brand_id: brandId });

const requireOwner = (brand: BrandRow, ownerId: string): void => {
  if (brand.ownerId !== ownerId) {
    throw new DomainError('PERMISSION_DENIED', 'BRAND.NOT_OWNER', 'Only the brand owner may grant or revoke authorisations', { brand_id: brand.brandId });
  }
};

export const grantBrandAuthorisation = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  command: { brandId: string; ownerId: string; merchantId: string; categoryCodes: readonly string[]; validFrom?: Date | undefined; validUntil?: Date | undefined },
): Promise<BrandAuthorisationRow> => {
  const brand = await tx.brand.findUnique({ where: { brandId: command.brandId } });
  if (!brand) throw brandNotFound(command.brandId);
  requireOwner(brand, command.ownerId);
  const now = deps.clock.now();
  return tx.brandAuthorisation.create({
    data: {
      authorisationId: deps.ids.next(),
      brandId: brand.brandId,
      merchantId: command.merchantId,
      categoryCodes: [...command.categoryCodes],
      validFrom: command.validFrom ?? now,
      validUntil: command.validUntil ?? null,
      grantedAt: now,
    },
  });
};

export const revokeBrandAuthorisation = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  command: { authorisationId: string; ownerId: string },
): Promise<BrandAuthorisationRow> => {
  const authorisation = await tx.brandAuthorisation.findUnique({ where: { authorisationId: command.authorisationId }, include: { brand: true } });
  if (!authorisation) throw notFound('BRAND.AUTHORISATION_NOT_FOUND', 'No such authorisation', { authorisation_id: command.authorisationId });
  requireOwner(authorisation.brand, command.ownerId);
  const revoked = await tx.brandAuthorisation.updateMany({ where: { authorisationId: command.authorisationId, revokedAt: null }, data: { revokedAt: deps.clock.now() } });
  if (revoked.count === 0) throw failedPrecondition('BRAND.AUTHORISATION_REVOKED', 'The authorisation is already revoked', { authorisation_id: command.authorisationId });
  return tx.brandAuthorisation.findUniqueOrThrow({ where: { authorisationId: command.authorisationId } });
};

const brandRecord = (row: BrandRow): BrandRecord => ({
  brandId: row.brandId,
  name: row.name,
  aliases: jsonStrings(row.aliases),
  ownerId: row.ownerId,
  authorisationRequired: row.authorisationRequired,
  categoryCodes: jsonStrings(row.categoryCodes),
  expiresAt: row.expiresAt ?? undefined,
});

const complaintData = (c: IpComplaint) => ({
  status: c.status,
  counterStatement: c.counterStatement ?? null,
  counterEvidenceRefs: [...c.counterEvidenceRefs],
  banId: c.banId ?? null,
  reasons: reasonsJson(c.reasons),
  policyName: c.policy.name,
  policyVersion: c.policy.version,
  counterNoticedAt: c.counterNoticedAt ?? null,
  restoreDueAt: c.restoreDueAt ?? null,
  escalatedAt: c.escalatedAt ?? null,
  decidedAt: c.decidedAt ?? null,
  reviewerId: c.reviewerId ?? null,
});

/**
 * Saves a transition of a complaint read at `expected` status: a concurrent transition of the
 * same complaint makes this one fail instead of both applying.
 */
const saveComplaint = async (tx: ProductQualityTx, complaint: IpComplaint, expected: IpComplaint['status']): Promise<void> => {
  const saved = await tx.ipComplaint.updateMany({ where: { complaintId: complaint.complaintId, status: expected }, data: complaintData(complaint) });
  if (saved.count === 0) throw failedPrecondition('IP.CHANGED_CONCURRENTLY', 'The complaint changed meanwhile; read it again', { complaint_id: complaint.complaintId });
};

const loadComplaint = async (tx: ProductQualityTx, complaintId: string): Promise<IpComplaint> => {
  const row: IpComplaintRow | null = await tx.ipComplaint.findUnique({ where: { complaintId } });
  if (!row) throw notFound('IP.COMPLAINT_NOT_FOUND', 'No such IP complaint', { complaint_id: complaintId });
  return ipComplaintFromRow(row);
};

/** A registered owner's complaint takes the product down (ban with cause IP_TAKEDOWN); others are rejected with reasons. */
export const fileIpComplaint = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  command: { requestId: string; brandId: string; complainantId: string; productId: string; kind: IpComplaintKind; statement: string; evidenceRefs: readonly string[] },
): Promise<{ complaint: IpComplaint; ban: Ban | undefined }> => {
  const brand = await tx.brand.findUnique({ where: { brandId: command.brandId } });
  if (!brand) throw brandNotFound(command.brandId);
  const product = await tx.product.findUnique({ where: { productId: command.productId } });
  if (!product) throw notFound('PRODUCT.NOT_FOUND', 'No such product', { product_id: command.productId });
  const authorisations = await findAuthorisations(tx, product.merchantId, [brand.brandId]);
  const { complaint, takenDown } = fileComplaint(
    {
      complaintId: deps.ids.next(),
      brand: brandRecord(brand),
      complainantId: command.complainantId,
      product: { productId: product.productId, merchantId: product.merchantId, categoryCode: product.categoryCode },
      kind: command.kind,
      statement: command.statement,
      evidenceRefs: command.evidenceRefs,
    },
    authorisations,
    deps.clock.now(),
  );
  await tx.ipComplaint.create({
    data: {
      complaintId: complaint.complaintId,
      brandId: complaint.brandId,
      complainantId: complaint.complainantId,
      productId: complaint.productId,
      merchantId: complaint.merchantId,
      kind: complaint.kind,
      statement: complaint.statement,
      evidenceRefs: [...complaint.evidenceRefs],
      filedAt: complaint.filedAt,
      ...complaintData(complaint),
    },
  });
  if (!takenDown) return { complaint, ban: undefined };
  const events = new OutboxBatch(deps, { causationId: command.requestId });
  const [banned] = await banProducts(
    tx,
    deps,
    {
      products: [{ productId: product.productId }],
      cause: 'IP_TAKEDOWN',
      reasons: complaint.reasons,
      policy: complaint.policy,
      sourceRef: complaint.complaintId,
      actorId: command.complainantId,
    },
    events,
  );
  await events.flush(tx);
  // A product already banned for another cause stays down under that ban; the takedown is still recorded.
  const withBan = { ...complaint, banId: banned?.banId };
  if (banned) await tx.ipComplaint.update({ where: { complaintId: complaint.complaintId }, data: { banId: banned.banId } });
  return { complaint: withBan, ban: banned ? await findBan(tx, banned.banId) : undefined };
};

/** The merchant's counter-notice; the restore deadline becomes a durable job. */
export const fileCounterNotice = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  command: { complaintId: string; merchantId: string; statement: string; evidenceRefs: readonly string[] },
): Promise<IpComplaint> => {
  const complaint = await loadComplaint(tx, command.complaintId);
  const noticed = counterNotice(complaint, command, deps.clock.now());
  await saveComplaint(tx, noticed, complaint.status);
  if (noticed.restoreDueAt) {
    await scheduleJobs(tx, [{ kind: IP_RESTORE_JOB, key: noticed.complaintId, dueAt: noticed.restoreDueAt, payload: { complaint_id: noticed.complaintId } }]);
  }
  return noticed;
};

/** The owner escalated in time: the takedown stays past the deadline until a reviewer decides. */
export const escalateIpComplaint = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  command: { complaintId: string; ownerId: string; statement: string; evidenceRefs: readonly string[] },
): Promise<IpComplaint> => {
  const complaint = await loadComplaint(tx, command.complaintId);
  const escalated = escalateComplaint(complaint, command, deps.clock.now());
  await saveComplaint(tx, escalated, complaint.status);
  await cancelJobs(tx, IP_RESTORE_JOB, [complaint.complaintId]);
  return escalated;
};

const restoreProduct = async (tx: ProductQualityTx, deps: UseCaseDeps, complaint: IpComplaint, actorId: string, message: string, cause: EventCause): Promise<void> => {
  if (!complaint.banId) return;
  const events = new OutboxBatch(deps, cause);
  await liftBans(tx, deps, [complaint.banId], { unbanCause: 'IP_RESTORED', actorId, message }, events);
  await events.flush(tx);
};

export const decideIpComplaint = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  command: { requestId: string; complaintId: string; outcome: 'UPHOLD' | 'RESTORE'; reviewerId: string; note: string },
): Promise<{ complaint: IpComplaint; ban: Ban | undefined }> => {
  const complaint = await loadComplaint(tx, command.complaintId);
  const decided = decideComplaint(complaint, command, deps.clock.now());
  await saveComplaint(tx, decided, complaint.status);
  await cancelJobs(tx, IP_RESTORE_JOB, [complaint.complaintId]);
  if (decided.status === 'RESTORED') await restoreProduct(tx, deps, decided, command.reviewerId, command.note, { causationId: command.requestId });
  return { complaint: decided, ban: decided.banId ? await findBan(tx, decided.banId) : undefined };
};

/** The durable restore timer: restores the product unless the owner escalated or a reviewer decided first. */
export const restoreIfOwnerDidNotEscalate = async (tx: ProductQualityTx, deps: UseCaseDeps, complaintId: string, jobKey: string): Promise<void> => {
  const complaint = await loadComplaint(tx, complaintId);
  const restored = restoreIfOwnerSilent(complaint, complaint.escalatedAt !== undefined, deps.clock.now(), IP_COMPLAINT_POLICY);
  if (!restored) return;
  await saveComplaint(tx, restored, complaint.status);
  await restoreProduct(tx, deps, restored, 'system', 'brand owner did not escalate within the response window', { causationId: `${IP_RESTORE_JOB}:${jobKey}` });
};

export const getIpComplaint = loadComplaint;
