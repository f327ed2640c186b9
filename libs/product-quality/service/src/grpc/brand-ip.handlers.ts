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
  type ListIpComplaintsRequest,
  type ListIpComplaintsResponse,
  GrantBrandAuthorisationRequest,
  GrantBrandAuthorisationResponse,
  RegisterBrandRequest,
  RegisterBrandResponse,
  RevokeBrandAuthorisationRequest,
  RevokeBrandAuthorisationResponse,
} from '@govern/contracts-product-quality';
import { compactText, IP_COMPLAINT_POLICY, REQUEST_LIMITS_POLICY } from '@govern/product-quality-domain';
import { type Checked, INVALID, isInvalid, REASON, RequestChecks, timeIdPageToken } from '@govern/platform-grpc';
import { listIpComplaints } from '../adapters/queue.queries';
import { ipComplaintKinds, ipComplaintOutcomes, ipComplaintStatuses } from '../mapping/enums';
import { ipComplaintFromRow, toProtoBan, toProtoBrand, toProtoBrandAuthorisation, toProtoIpComplaint } from '../mapping/resources';
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
import { type Call, type HandlerContext, mutation, read, refuse } from './handler-kit';

const BRAND_LIMITS = REQUEST_LIMITS_POLICY.brand;

const categoryCodes = (checks: RequestChecks, codes: readonly string[]): Checked<string[]> =>
  checks.idList('category_codes', codes, { maxItems: BRAND_LIMITS.maxCategoryCodes });

/** The statement and evidence IP complaints, counter-notices and escalations carry. */
const statementWithEvidence = (checks: RequestChecks, statement: string, evidenceRefs: readonly string[]): { statement: Checked<string>; evidenceRefs: Checked<string[]> } => ({
  statement: checks.text('statement', statement, IP_COMPLAINT_POLICY.limits.statementMaxChars),
  evidenceRefs:
    evidenceRefs.length < IP_COMPLAINT_POLICY.minEvidenceRefs
      ? refuse(checks, 'evidence_refs', `must list at least ${IP_COMPLAINT_POLICY.minEvidenceRefs} evidence reference(s)`, REASON.REQUIRED)
      : checks.idList('evidence_refs', evidenceRefs, { maxItems: IP_COMPLAINT_POLICY.limits.maxEvidenceRefs }),
});

/** A brand name (or alias): text with letters or digits, as the gate matches names without punctuation. */
const brandName = (checks: RequestChecks, field: string, value: string): Checked<string> => {
  const name = checks.text(field, value, BRAND_LIMITS.nameMaxChars);
  return isInvalid(name) || compactText(name) !== '' ? name : refuse(checks, field, 'must contain letters or digits', REASON.INVALID);
};

const aliases = (checks: RequestChecks, values: readonly string[]): Checked<string[]> => {
  if (isInvalid(checks.bounded('aliases', values, { maxItems: BRAND_LIMITS.maxAliases }))) return INVALID;
  const checked = values.map((a, i) => checks.text(`aliases[${i}]`, a, BRAND_LIMITS.nameMaxChars));
  return checked.some(isInvalid) ? INVALID : [...values];
};

export const brandIpHandlers = (context: HandlerContext) => ({
  async registerBrand(request: RegisterBrandRequest, call: Call): Promise<RegisterBrandResponse> {
    const check = () => {
      const checks = new RequestChecks();
      const expiresAt = checks.optionalTimestamp('expires_at', request.expiresAt);
      return checks.done({
        requestId: checks.requestId(request.requestId),
        name: brandName(checks, 'name', request.name),
        aliases: aliases(checks, request.aliases),
        ownerId: checks.id('owner_id', request.ownerId),
        trademarkNumber: checks.id('trademark_number', request.trademarkNumber),
        categoryCodes: categoryCodes(checks, request.categoryCodes),
        authorisationRequired: request.authorisationRequired,
        // A registration that has already lapsed protects nothing (checked again on a retry, which then gets the first answer).
        expiresAt:
          isInvalid(expiresAt) || expiresAt === undefined || expiresAt.getTime() > context.deps.clock.now().getTime()
            ? expiresAt
            : refuse(checks, 'expires_at', 'must be in the future', REASON.OUT_OF_RANGE),
      });
    };
    return mutation(context, call, 'RegisterBrand', { request: RegisterBrandRequest, response: RegisterBrandResponse }, request, check, async (work, command) => ({
      brand: toProtoBrand(await registerBrand(work, command)),
    }));
  },

  async grantBrandAuthorisation(request: GrantBrandAuthorisationRequest, call: Call): Promise<GrantBrandAuthorisationResponse> {
    const check = () => {
      const checks = new RequestChecks();
      const validFrom = checks.optionalTimestamp('valid_from', request.validFrom);
      const from = isInvalid(validFrom) ? undefined : (validFrom ?? context.deps.clock.now());
      return checks.done({
        requestId: checks.requestId(request.requestId),
        brandId: checks.id('brand_id', request.brandId),
        ownerId: checks.id('owner_id', request.ownerId),
        merchantId: checks.id('merchant_id', request.merchantId),
        categoryCodes: categoryCodes(checks, request.categoryCodes),
        validFrom,
        validUntil: checks.optionalTimestamp('valid_until', request.validUntil, from ? { notBefore: new Date(from.getTime() + 1) } : {}),
      });
    };
    const codecs = { request: GrantBrandAuthorisationRequest, response: GrantBrandAuthorisationResponse };
    return mutation(context, call, 'GrantBrandAuthorisation', codecs, request, check, async (work, command) => ({
      authorisation: toProtoBrandAuthorisation(await grantBrandAuthorisation(work, command)),
    }));
  },

  async revokeBrandAuthorisation(request: RevokeBrandAuthorisationRequest, call: Call): Promise<RevokeBrandAuthorisationResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        requestId: checks.requestId(request.requestId),
        authorisationId: checks.id('authorisation_id', request.authorisationId),
        ownerId: checks.id('owner_id', request.ownerId),
      });
    };
    const codecs = { request: RevokeBrandAuthorisationRequest, response: RevokeBrandAuthorisationResponse };
    return mutation(context, call, 'RevokeBrandAuthorisation', codecs, request, check, async (work, command) => ({
      authorisation: toProtoBrandAuthorisation(await revokeBrandAuthorisation(work, command)),
    }));
  },

  async fileIpComplaint(request: FileIpComplaintRequest, call: Call): Promise<FileIpComplaintResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        requestId: checks.requestId(request.requestId),
        brandId: checks.id('brand_id', request.brandId),
        complainantId: checks.id('complainant_id', request.complainantId),
        productId: checks.id('product_id', request.productId),
        kind: checks.enumValue('kind', ipComplaintKinds, request.kind),
        ...statementWithEvidence(checks, request.statement, request.evidenceRefs),
      });
    };
    return mutation(context, call, 'FileIpComplaint', { request: FileIpComplaintRequest, response: FileIpComplaintResponse }, request, check, async (work, command) => {
      const { complaint, ban } = await fileIpComplaint(work, command);
      return { complaint: toProtoIpComplaint(complaint), ban: ban ? toProtoBan(ban) : undefined };
    });
  },

  async fileCounterNotice(request: FileCounterNoticeRequest, call: Call): Promise<FileCounterNoticeResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        requestId: checks.requestId(request.requestId),
        complaintId: checks.id('complaint_id', request.complaintId),
        merchantId: checks.id('merchant_id', request.merchantId),
        ...statementWithEvidence(checks, request.statement, request.evidenceRefs),
      });
    };
    return mutation(context, call, 'FileCounterNotice', { request: FileCounterNoticeRequest, response: FileCounterNoticeResponse }, request, check, async (work, command) => ({
      complaint: toProtoIpComplaint(await fileCounterNotice(work, command)),
    }));
  },

  async escalateIpComplaint(request: EscalateIpComplaintRequest, call: Call): Promise<EscalateIpComplaintResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        requestId: checks.requestId(request.requestId),
        complaintId: checks.id('complaint_id', request.complaintId),
        ownerId: checks.id('owner_id', request.ownerId),
        ...statementWithEvidence(checks, request.statement, request.evidenceRefs),
      });
    };
    return mutation(context, call, 'EscalateIpComplaint', { request: EscalateIpComplaintRequest, response: EscalateIpComplaintResponse }, request, check, async (work, command) => ({
      complaint: toProtoIpComplaint(await escalateIpComplaint(work, command)),
    }));
  },

  async decideIpComplaint(request: DecideIpComplaintRequest, call: Call): Promise<DecideIpComplaintResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        requestId: checks.requestId(request.requestId),
        complaintId: checks.id('complaint_id', request.complaintId),
        outcome: checks.enumValue('outcome', ipComplaintOutcomes, request.outcome),
        reviewerId: checks.id('reviewer_id', request.reviewerId),
        note: checks.optionalText('note', request.note),
      });
    };
    return mutation(context, call, 'DecideIpComplaint', { request: DecideIpComplaintRequest, response: DecideIpComplaintResponse }, request, check, async (work, command) => {
      const { complaint, ban } = await decideIpComplaint(work, command);
      return { complaint: toProtoIpComplaint(complaint), ban: ban ? toProtoBan(ban) : undefined };
    });
  },

  async getIpComplaint(request: GetIpComplaintRequest, call: Call): Promise<GetIpComplaintResponse> {
    const checks = new RequestChecks();
    const { complaintId } = checks.done({ complaintId: checks.id('complaint_id', request.complaintId) });
    return { complaint: toProtoIpComplaint(await read(context, call, (tx) => getIpComplaint(tx, complaintId))) };
  },

  async listIpComplaints(request: ListIpComplaintsRequest, call: Call): Promise<ListIpComplaintsResponse> {
    const checks = new RequestChecks();
    const query = checks.done({
      pageSize: checks.pageSize(request.pageSize),
      after: checks.pageToken(timeIdPageToken, request.pageToken),
      status: checks.optionalEnum('status', ipComplaintStatuses, request.status),
      merchantId: checks.optionalId('merchant_id', request.merchantId),
      brandId: checks.optionalId('brand_id', request.brandId),
    });
    const page = await read(context, call, (tx) => listIpComplaints(tx, query));
    return { complaints: page.items.map((row) => toProtoIpComplaint(ipComplaintFromRow(row))), nextPageToken: page.nextPageToken };
  },
});
