import {
  DecideIpComplaintRequest,
  DecideIpComplaintResponse,
  EscalateIpComplaintRequest,
  EscalateIpComplaintResponse,
  FileCounterNoticeRequest,
  FileCounterNoticeResponse,
  FileIpComplaintRequest,
  FileIpComplaintResponse,
  type GetIpComplaintRequest,
  type GetIpComplaintResponse,
  GrantBrandAuthorisationRequest,
  GrantBrandAuthorisationResponse,
  RegisterBrandRequest,
  RegisterBrandResponse,
  RevokeBrandAuthorisationRequest,
  RevokeBrandAuthorisationResponse,
} from '@govern/contracts-product-quality';
import { compactText, IP_COMPLAINT_POLICY } from '@govern/product-quality-domain';
import { ipComplaintKinds, ipComplaintOutcomes } from '../mapping/enums';
import { toProtoBan, toProtoBrand, toProtoBrandAuthorisation, toProtoIpComplaint } from '../mapping/resources';
import {
  decideIpComplaint,
  escalateIpComplaint,
  fileCounterNotice,
  fileIpComplaint,
  getIpComplaint,
  grantBrandAuthorisation,
  registerBrand,
  revokeBrandAuthorisation,
} from '../use-cases/brands-and-ip';
import { type Call, checked, type HandlerKit, mutate, read } from './handler-kit';
import { RequestChecks } from './request-validation';

const categoryCodes = (checks: RequestChecks, field: string, codes: readonly string[]): void => {
  if (checks.maxItems(field, codes, checks.limits.brand.maxCategoryCodes)) codes.forEach((code, i) => checks.id(`${field}[${i}]`, code));
};

/** A statement with evidence, as IP complaints, counter-notices and escalations carry them. */
const statementWithEvidence = (checks: RequestChecks, statement: string, evidenceRefs: readonly string[]): void => {
  checks.text('statement', statement, IP_COMPLAINT_POLICY.limits.statementMaxChars);
  checks.check(evidenceRefs.length >= IP_COMPLAINT_POLICY.minEvidenceRefs, 'evidence_refs', `must list at least ${IP_COMPLAINT_POLICY.minEvidenceRefs} evidence reference(s)`, 'REQUIRED');
  checks.refs('evidence_refs', evidenceRefs, IP_COMPLAINT_POLICY.limits.maxEvidenceRefs);
};

export const brandIpHandlers = (kit: HandlerKit) => ({
  async registerBrand(request: RegisterBrandRequest, call: Call): Promise<RegisterBrandResponse> {
    const checks = new RequestChecks();
    const limits = checks.limits.brand;
    checks.id('request_id', request.requestId);
    if (checks.text('name', request.name, limits.nameMaxChars)) {
      checks.check(compactText(request.name) !== '', 'name', 'must contain letters or digits', 'INVALID');
    }
    if (checks.maxItems('aliases', request.aliases, limits.maxAliases)) request.aliases.forEach((a, i) => checks.text(`aliases[${i}]`, a, limits.nameMaxChars));
    checks.id('owner_id', request.ownerId);
    checks.id('trademark_number', request.trademarkNumber);
    categoryCodes(checks, 'category_codes', request.categoryCodes);
    checks.check(request.expiresAt === undefined || request.expiresAt.getTime() > kit.deps.clock.now().getTime(), 'expires_at', 'must be in the future', 'OUT_OF_RANGE');
    checks.throwIfAny();
    return mutate(kit, call, 'RegisterBrand', { request: RegisterBrandRequest, response: RegisterBrandResponse }, request, async (tx) => ({
      brand: toProtoBrand(await registerBrand(tx, kit.deps, request)),
    }));
  },

  async grantBrandAuthorisation(request: GrantBrandAuthorisationRequest, call: Call): Promise<GrantBrandAuthorisationResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('brand_id', request.brandId);
    checks.id('owner_id', request.ownerId);
    checks.id('merchant_id', request.merchantId);
    categoryCodes(checks, 'category_codes', request.categoryCodes);
    const from = request.validFrom ?? kit.deps.clock.now();
    checks.check(request.validUntil === undefined || request.validUntil.getTime() > from.getTime(), 'valid_until', 'must be after valid_from', 'OUT_OF_RANGE');
    checks.throwIfAny();
    return mutate(kit, call, 'GrantBrandAuthorisation', { request: GrantBrandAuthorisationRequest, response: GrantBrandAuthorisationResponse }, request, async (tx) => ({
      authorisation: toProtoBrandAuthorisation(await grantBrandAuthorisation(tx, kit.deps, request)),
    }));
  },

  async revokeBrandAuthorisation(request: RevokeBrandAuthorisationRequest, call: Call): Promise<RevokeBrandAuthorisationResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('authorisation_id', request.authorisationId);
    checks.id('owner_id', request.ownerId);
    checks.throwIfAny();
    return mutate(kit, call, 'RevokeBrandAuthorisation', { request: RevokeBrandAuthorisationRequest, response: RevokeBrandAuthorisationResponse }, request, async (tx) => ({
      authorisation: toProtoBrandAuthorisation(await revokeBrandAuthorisation(tx, kit.deps, request)),
    }));
  },

  async fileIpComplaint(request: FileIpComplaintRequest, call: Call): Promise<FileIpComplaintResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('brand_id', request.brandId);
    checks.id('complainant_id', request.complainantId);
    checks.id('product_id', request.productId);
    const kind = checks.enumValue('kind', ipComplaintKinds, request.kind);
    statementWithEvidence(checks, request.statement, request.evidenceRefs);
    checks.throwIfAny();
    return mutate(kit, call, 'FileIpComplaint', { request: FileIpComplaintRequest, response: FileIpComplaintResponse }, request, async (tx) => {
      const { complaint, ban } = await fileIpComplaint(tx, kit.deps, { ...request, kind: checked(kind) });
      return { complaint: toProtoIpComplaint(complaint), ban: ban ? toProtoBan(ban) : undefined };
    });
  },

  async fileCounterNotice(request: FileCounterNoticeRequest, call: Call): Promise<FileCounterNoticeResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('complaint_id', request.complaintId);
    checks.id('merchant_id', request.merchantId);
    statementWithEvidence(checks, request.statement, request.evidenceRefs);
    checks.throwIfAny();
    return mutate(kit, call, 'FileCounterNotice', { request: FileCounterNoticeRequest, response: FileCounterNoticeResponse }, request, async (tx) => ({
      complaint: toProtoIpComplaint(await fileCounterNotice(tx, kit.deps, request)),
    }));
  },

  async escalateIpComplaint(request: EscalateIpComplaintRequest, call: Call): Promise<EscalateIpComplaintResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('complaint_id', request.complaintId);
    checks.id('owner_id', request.ownerId);
    statementWithEvidence(checks, request.statement, request.evidenceRefs);
    checks.throwIfAny();
    return mutate(kit, call, 'EscalateIpComplaint', { request: EscalateIpComplaintRequest, response: EscalateIpComplaintResponse }, request, async (tx) => ({
      complaint: toProtoIpComplaint(await escalateIpComplaint(tx, kit.deps, request)),
    }));
  },

  async decideIpComplaint(request: DecideIpComplaintRequest, call: Call): Promise<DecideIpComplaintResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('complaint_id', request.complaintId);
    const outcome = checks.enumValue('outcome', ipComplaintOutcomes, request.outcome);
    checks.id('reviewer_id', request.reviewerId);
    checks.optionalText('note', request.note);
    checks.throwIfAny();
    return mutate(kit, call, 'DecideIpComplaint', { request: DecideIpComplaintRequest, response: DecideIpComplaintResponse }, request, async (tx) => {
      const { complaint, ban } = await decideIpComplaint(tx, kit.deps, { ...request, outcome: checked(outcome) });
      return { complaint: toProtoIpComplaint(complaint), ban: ban ? toProtoBan(ban) : undefined };
    });
  },

  async getIpComplaint(request: GetIpComplaintRequest, call: Call): Promise<GetIpComplaintResponse> {
    const checks = new RequestChecks();
    checks.id('complaint_id', request.complaintId);
    checks.throwIfAny();
    return { complaint: toProtoIpComplaint(await read(kit, call, (tx) => getIpComplaint(tx, request.complaintId))) };
  },
});
