import {
  BanProductRequest,
  BanProductResponse,
  DecideBanAppealRequest,
  DecideBanAppealResponse,
  FileBanAppealRequest,
  FileBanAppealResponse,
  type GetBanAppealRequest,
  type GetBanAppealResponse,
  type ListBanAppealsRequest,
  type ListBanAppealsResponse,
  type ListBansRequest,
  type ListBansResponse,
  UnbanProductRequest,
  UnbanProductResponse,
} from '@govern/contracts-product-quality';
import { BAN_POLICY, type Ban, type BanAppeal } from '@govern/product-quality-domain';
import { type Checked, INVALID, isInvalid, RequestChecks, timeIdPageToken } from '@govern/platform-grpc';
import { banFromRow } from '../adapters/prisma-ban.repository';
import { listBanAppeals } from '../adapters/queue.queries';
import { appealOutcomes, appealStatuses, banCauses, banStatuses } from '../mapping/enums';
import { banAppealFromRow, toProtoBan, toProtoBanAppeal } from '../mapping/resources';
import { banProductManually, decideAppeal, fileAppeal, unbanProduct } from '../use-cases/bans';
import { getBanAppeal, listBans } from '../adapters/read-models.queries';
import { type Call, type HandlerContext, mutation, read } from './handler-kit';

/** Causes a reviewer may give; the others come from the lab, IP and merchant-removal flows. */
const REVIEWER_CAUSES = ['MANUAL', 'RE_UPLOAD'] as const;
type ReviewerCause = (typeof REVIEWER_CAUSES)[number];

/** UNSPECIFIED is a manual ban (contract); another cause than a reviewer's is UNSUPPORTED_VALUE. */
const reviewerCause = (checks: RequestChecks, value: number): Checked<ReviewerCause> => {
  if (value === 0) return 'MANUAL';
  const cause = checks.enumValue('cause', banCauses, value, { allowed: REVIEWER_CAUSES });
  return isInvalid(cause) ? INVALID : (REVIEWER_CAUSES.find((c) => c === cause) ?? INVALID);
};

/** What a reviewer's ban and unban of a product both name, checked in the same order. */
const productActionChecks = (
  checks: RequestChecks,
  request: Pick<UnbanProductRequest, 'requestId' | 'productId' | 'actorId' | 'message'>,
): Record<'requestId' | 'productId' | 'actorId' | 'message', Checked<string>> => ({
  requestId: checks.requestId(request.requestId),
  productId: checks.id('product_id', request.productId),
  actorId: checks.id('actor_id', request.actorId),
  message: checks.text('message', request.message),
});

/** An appeal's filing and its decision both answer with the appeal and its ban. */
const toProtoAppealAndBan = ({ ban, appeal }: { ban: Ban; appeal: BanAppeal }) => ({ appeal: toProtoBanAppeal(appeal), ban: toProtoBan(ban) });

export const banHandlers = (context: HandlerContext) => ({
  async banProduct(request: BanProductRequest, call: Call): Promise<BanProductResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        ...productActionChecks(checks, request),
        evidence: checks.evidence('evidence', request.evidence),
        cause: reviewerCause(checks, request.cause),
        includeSameSku: request.includeSameSku,
      });
    };
    return mutation(context, call, 'BanProduct', { request: BanProductRequest, response: BanProductResponse }, request, check, async (work, command) => {
      const { ban, related } = await banProductManually(work, command);
      return { ban: toProtoBan(ban), relatedBans: related.map(toProtoBan) };
    });
  },

  async unbanProduct(request: UnbanProductRequest, call: Call): Promise<UnbanProductResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        ...productActionChecks(checks, request),
      });
    };
    return mutation(context, call, 'UnbanProduct', { request: UnbanProductRequest, response: UnbanProductResponse }, request, check, async (work, command) => ({
      ban: toProtoBan(await unbanProduct(work, command)),
    }));
  },

  async listBans(request: ListBansRequest, call: Call): Promise<ListBansResponse> {
    const checks = new RequestChecks();
    const query = checks.done({
      pageSize: checks.pageSize(request.pageSize),
      before: checks.pageToken(timeIdPageToken, request.pageToken),
      merchantId: checks.optionalId('merchant_id', request.merchantId),
      productId: checks.optionalId('product_id', request.productId),
      status: checks.optionalEnum('status', banStatuses, request.status),
      cause: checks.optionalEnum('cause', banCauses, request.cause),
    });
    const page = await read(context, call, (tx) => listBans(tx, query));
    return { bans: page.items.map((row) => toProtoBan(banFromRow(row))), nextPageToken: page.nextPageToken };
  },

  async fileBanAppeal(request: FileBanAppealRequest, call: Call): Promise<FileBanAppealResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        requestId: checks.requestId(request.requestId),
        banId: checks.id('ban_id', request.banId),
        merchantId: checks.id('merchant_id', request.merchantId),
        statement: checks.text('statement', request.statement, BAN_POLICY.limits.statementMaxChars),
        evidenceRefs: checks.idList('evidence_refs', request.evidenceRefs, { maxItems: BAN_POLICY.limits.maxEvidenceRefs }),
      });
    };
    return mutation(context, call, 'FileBanAppeal', { request: FileBanAppealRequest, response: FileBanAppealResponse }, request, check, async (work, command) => {
      return toProtoAppealAndBan(await fileAppeal(work, command));
    });
  },

  async decideBanAppeal(request: DecideBanAppealRequest, call: Call): Promise<DecideBanAppealResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        requestId: checks.requestId(request.requestId),
        appealId: checks.id('appeal_id', request.appealId),
        outcome: checks.enumValue('outcome', appealOutcomes, request.outcome),
        reviewerId: checks.id('reviewer_id', request.reviewerId),
        note: checks.optionalText('note', request.note),
      });
    };
    return mutation(context, call, 'DecideBanAppeal', { request: DecideBanAppealRequest, response: DecideBanAppealResponse }, request, check, async (work, command) => {
      return toProtoAppealAndBan(await decideAppeal(work, command));
    });
  },

  async getBanAppeal(request: GetBanAppealRequest, call: Call): Promise<GetBanAppealResponse> {
    const checks = new RequestChecks();
    const { appealId } = checks.done({ appealId: checks.id('appeal_id', request.appealId) });
    return { appeal: toProtoBanAppeal(banAppealFromRow(await read(context, call, (tx) => getBanAppeal(tx, appealId)))) };
  },

  async listBanAppeals(request: ListBanAppealsRequest, call: Call): Promise<ListBanAppealsResponse> {
    const checks = new RequestChecks();
    const query = checks.done({
      pageSize: checks.pageSize(request.pageSize),
      after: checks.pageToken(timeIdPageToken, request.pageToken),
      status: checks.optionalEnum('status', appealStatuses, request.status),
      merchantId: checks.optionalId('merchant_id', request.merchantId),
    });
    const page = await read(context, call, (tx) => listBanAppeals(tx, query));
    return { appeals: page.items.map((row) => toProtoBanAppeal(banAppealFromRow(row))), nextPageToken: page.nextPageToken };
  },
});
