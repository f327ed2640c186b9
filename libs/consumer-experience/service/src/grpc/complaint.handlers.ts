import {
  FileComplaintRequest,
  FileComplaintResponse,
  type GetComplaintRequest,
  type GetComplaintResponse,
  type ListComplaintsRequest,
  type ListComplaintsResponse,
} from '@govern/contracts-consumer-experience';
import { validateComplaint } from '@govern/consumer-experience-domain';
import { isInvalid } from '@govern/platform-grpc';
import { REASON } from '@govern/policy-core';
import { listComplaints } from '../adapters/lists.queries';
import { complaintCategoryCodec, complaintTargetCodec } from '../mapping/enums';
import { complaintToProto } from '../mapping/to-proto';
import { fileComplaint, getComplaint } from '../use-cases/complaints';
import { type Call, ConsumerExperienceChecks, type HandlerKit, mutate, read, timePage } from './handler-kit';

/** Complaints: filed here, routed by event to the service that owns the target; looked up and listed. */
export const complaintHandlers = (kit: HandlerKit) => ({
  fileComplaint(request: FileComplaintRequest, call: Call): Promise<FileComplaintResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      const complaint = {
        buyerId: checks.id('buyer_id', request.buyerId),
        targetType: checks.enumValue('target_type', complaintTargetCodec, request.targetType),
        targetId: checks.id('target_id', request.targetId),
        orderId: checks.optionalId('order_id', request.orderId),
        merchantId: checks.optionalId('merchant_id', request.merchantId),
        category: checks.enumValue('category', complaintCategoryCodec, request.category),
        text: checks.text('text', request.text),
        evidenceRefs: checks.evidenceRefs('evidence_refs', request.evidenceRefs),
      } as const; // keeps INVALID's own type (a mutable property would widen it to symbol)
      // The complaint's own rules (a service complaint names its order).
      const targetType = isInvalid(complaint.targetType) ? undefined : complaint.targetType;
      checks.domain(() => validateComplaint({ ...request, targetType }));
      return checks.done(complaint, 'COMPLAINT.INVALID');
    };
    return mutate(kit, call, 'FileComplaint', { request: FileComplaintRequest, response: FileComplaintResponse }, request, check, async (work, complaint) => ({
      complaint: complaintToProto(await fileComplaint(work, complaint)),
    }));
  },

  async getComplaint(request: GetComplaintRequest, call: Call): Promise<GetComplaintResponse> {
    const checks = new ConsumerExperienceChecks();
    const { complaintId } = checks.done({ complaintId: checks.id('complaint_id', request.complaintId) }, 'COMPLAINT.INVALID');
    return { complaint: complaintToProto(await read(kit, call, (tx) => getComplaint(tx, complaintId))) };
  },

  async listComplaints(request: ListComplaintsRequest, call: Call): Promise<ListComplaintsResponse> {
    const checks = new ConsumerExperienceChecks();
    const targetType = checks.optionalEnum('target_type', complaintTargetCodec, request.targetType);
    const filtered = checks.check(
      Boolean(request.targetType || request.merchantId || request.buyerId),
      'target_type',
      'one of target_type, merchant_id or buyer_id is required',
      REASON.REQUIRED,
    );
    // A target id alone is ambiguous (an order id and a product id may look alike).
    if (filtered) checks.check(!request.targetId || Boolean(request.targetType), 'target_type', 'is required with target_id', REASON.REQUIRED);
    const { size, after, ...filter } = checks.done(
      {
        targetType,
        targetId: checks.optionalId('target_id', request.targetId),
        merchantId: checks.optionalId('merchant_id', request.merchantId),
        buyerId: checks.optionalId('buyer_id', request.buyerId),
        ...timePage(checks, request),
      },
      'COMPLAINT.INVALID_LIST',
    );
    const page = await read(kit, call, (tx) => listComplaints(tx, filter, { size, after }));
    return { complaints: page.items.map(complaintToProto), nextPageToken: page.nextPageToken };
  },
});
