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
import { alreadyExists, DomainError, failedPrecondition, notFound } from '@govern/policy-core';
import { insertBrand } from '../adapters/brands.repository';
import { findBan } from '../adapters/prisma-ban.repository';
import { JOB } from '../jobs/job-kinds';
import { jsonStrings, reasonsJson } from '../mapping/json';
import { brandAuthorisationFromRow, ipComplaintFromRow } from '../mapping/resources';
import { banProducts, liftBans } from './ban-products';
import type { Work } from './work';

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
export const registerBrand = async (work: Work, command: RegisterBrandCommand): Promise<BrandRow> => {
  const brandId = work.newId();
  const inserted = await insertBrand(work.tx, {
    ...command,
    brandId,
    nameKey: compactText(command.name),
    matchKeys: [...new Set([command.name, ...command.aliases].map(compactText).filter((k) => k !== ''))],
    registeredAt: work.now,
  });
  if (!inserted) throw alreadyExists('BRAND.ALREADY_REGISTERED', 'A brand with this name is already registered', { name: command.name });
  return work.tx.brand.findUniqueOrThrow({ where: { brandId } });
};

/** The merchant's authorisations for the brands (an IP complaint is answered by a valid one). */
const findAuthorisations = async (tx: ProductQualityTx, merchantId: string, brandIds: readonly string[]): Promise<BrandAuthorisationRecord[]> => {
  const rows = await tx.brandAuthorisation.findMany({ where: { merchantId, brandId: { in: [...brandIds] } } });
  return rows.map(brandAuthorisationFromRow);
};

const brandNotFound = (brandId: string) => notFound('BRAND.NOT_FOUND', 'No such brand', { brand_id: brandId });

const requireOwner = (brand: BrandRow, ownerId: string): void => {
  if (brand.ownerId !== ownerId) {
    throw new DomainError('PERMISSION_DENIED', 'BRAND.NOT_OWNER', 'Only the brand owner may grant or revoke authorisations', { brand_id: brand.brandId });
  }
};

export const grantBrandAuthorisation = async (
  work: Work,
  command: { brandId: string; ownerId: string; merchantId: string; categoryCodes: readonly string[]; validFrom?: Date | undefined; validUntil?: Date | undefined },
): Promise<BrandAuthorisationRow> => {
  const { tx } = work;
  const brand = await tx.brand.findUnique({ where: { brandId: command.brandId } });
  if (!brand) throw brandNotFound(command.brandId);
  requireOwner(brand, command.ownerId);
  const now = work.now;
  return tx.brandAuthorisation.create({
    data: {
      authorisationId: work.newId(),
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
  work: Work,
  command: { authorisationId: string; ownerId: string },
): Promise<BrandAuthorisationRow> => {
  const { tx } = work;
  const authorisation = await tx.brandAuthorisation.findUnique({ where: { authorisationId: command.authorisationId }, include: { brand: true } });
  if (!authorisation) throw notFound('BRAND.AUTHORISATION_NOT_FOUND', 'No such authorisation', { authorisation_id: command.authorisationId });
  requireOwner(authorisation.brand, command.ownerId);
  const revoked = await tx.brandAuthorisation.updateMany({ where: { authorisationId: command.authorisationId, revokedAt: null }, data: { revokedAt: work.now } });
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
  work: Work,
  command: { brandId: string; complainantId: string; productId: string; kind: IpComplaintKind; statement: string; evidenceRefs: readonly string[] },
): Promise<{ complaint: IpComplaint; ban: Ban | undefined }> => {
  const { tx } = work;
  const brand = await tx.brand.findUnique({ where: { brandId: command.brandId } });
  if (!brand) throw brandNotFound(command.brandId);
  const product = await tx.product.findUnique({ where: { productId: command.productId } });
  if (!product) throw notFound('PRODUCT.NOT_FOUND', 'No such product', { product_id: command.productId });
  const authorisations = await findAuthorisations(tx, product.merchantId, [brand.brandId]);
  const { complaint, takenDown } = fileComplaint(
    {
      complaintId: work.newId(),
      brand: brandRecord(brand),
      complainantId: command.complainantId,
      product: { productId: product.productId, merchantId: product.merchantId, categoryCode: product.categoryCode },
      kind: command.kind,
      statement: command.statement,
      evidenceRefs: command.evidenceRefs,
    },
    authorisations,
    work.now,
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
  const [banned] = await banProducts(work, {
    products: [{ productId: product.productId }],
    cause: 'IP_TAKEDOWN',
    reasons: complaint.reasons,
    policy: complaint.policy,
    sourceRef: complaint.complaintId,
    actorId: command.complainantId,
  });
  // A product already banned for another cause stays down under that ban; the takedown is still recorded.
  const withBan = { ...complaint, banId: banned?.banId };
  if (banned) await tx.ipComplaint.update({ where: { complaintId: complaint.complaintId }, data: { banId: banned.banId } });
  return { complaint: withBan, ban: banned ? await findBan(tx, banned.banId) : undefined };
};

/** The merchant's counter-notice; the restore deadline becomes a durable job. */
export const fileCounterNotice = async (
  work: Work,
  command: { complaintId: string; merchantId: string; statement: string; evidenceRefs: readonly string[] },
): Promise<IpComplaint> => {
  const { tx } = work;
  const complaint = await loadComplaint(tx, command.complaintId);
  const noticed = counterNotice(complaint, command, work.now);
  await saveComplaint(tx, noticed, complaint.status);
  if (noticed.restoreDueAt) {
    work.schedule({ kind: JOB.IP_RESTORE_DUE, key: noticed.complaintId, dueAt: noticed.restoreDueAt, payload: { complaint_id: noticed.complaintId } });
  }
  return noticed;
};

/** The owner escalated in time: the takedown stays past the deadline until a reviewer decides. */
export const escalateIpComplaint = async (
  work: Work,
  command: { complaintId: string; ownerId: string; statement: string; evidenceRefs: readonly string[] },
): Promise<IpComplaint> => {
  const { tx } = work;
  const complaint = await loadComplaint(tx, command.complaintId);
  const escalated = escalateComplaint(complaint, command, work.now);
  await saveComplaint(tx, escalated, complaint.status);
  work.cancel(JOB.IP_RESTORE_DUE, complaint.complaintId);
  return escalated;
};

const restoreProduct = async (work: Work, complaint: IpComplaint, actorId: string, message: string): Promise<void> => {
  if (!complaint.banId) return;
  await liftBans(work, [complaint.banId], { unbanCause: 'IP_RESTORED', actorId, message });
};

export const decideIpComplaint = async (
  work: Work,
  command: { complaintId: string; outcome: 'UPHOLD' | 'RESTORE'; reviewerId: string; note: string },
): Promise<{ complaint: IpComplaint; ban: Ban | undefined }> => {
  const { tx } = work;
  const complaint = await loadComplaint(tx, command.complaintId);
  const decided = decideComplaint(complaint, command, work.now);
  await saveComplaint(tx, decided, complaint.status);
  work.cancel(JOB.IP_RESTORE_DUE, complaint.complaintId);
  if (decided.status === 'RESTORED') await restoreProduct(work, decided, command.reviewerId, command.note);
  return { complaint: decided, ban: decided.banId ? await findBan(tx, decided.banId) : undefined };
};

/** The durable restore timer: restores the product unless the owner escalated or a reviewer decided first. */
export const restoreIfOwnerDidNotEscalate = async (work: Work, complaintId: string): Promise<void> => {
  const { tx } = work;
  const complaint = await loadComplaint(tx, complaintId);
  const restored = restoreIfOwnerSilent(complaint, complaint.escalatedAt !== undefined, work.now, IP_COMPLAINT_POLICY);
  if (!restored) return;
  await saveComplaint(tx, restored, complaint.status);
  await restoreProduct(work, restored, 'system', 'brand owner did not escalate within the response window');
};

export const getIpComplaint = loadComplaint;
