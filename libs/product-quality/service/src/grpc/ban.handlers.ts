import {
  BanProductRequest,
  BanProductResponse,
  DecideBanAppealRequest,
  DecideBanAppealResponse,
  FileBanAppealRequest,
  FileBanAppealResponse,
  type GetBanAppealRequest,
  type GetBanAppealResponse,
  type ListBansRequest,
  type ListBansResponse,
  UnbanProductRequest,
  UnbanProductResponse,
} from '@govern/contracts-product-quality';
import { BAN_POLICY } from '@govern/product-quality-domain';
import { banFromRow } from '../adapters/prisma-ban.repository';
import { appealOutcomes, banCauses, banStatuses } from '../mapping/enums';
import { banAppealFromRow, toProtoBan, toProtoBanAppeal } from '../mapping/resources';
import { banProductManually, decideAppeal, fileAppeal, unbanProduct } from '../use-cases/bans';
import { getBanAppeal, listBans } from '../use-cases/queries';
import { type Call, checked, type HandlerKit, mutate, read, timeKeyToken } from './handler-kit';
import { RequestChecks } from './request-validation';

/** Causes a reviewer may give; the others come from the lab, IP and merchant-removal flows. */
const REVIEWER_CAUSES = ['MANUAL', 'RE_UPLOAD'] as const;

export const banHandlers = (kit: HandlerKit) => ({
  async banProduct(request: BanProductRequest, call: Call): Promise<BanProductResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('product_id', request.productId);
    checks.id('actor_id', request.actorId);
    checks.text('message', request.message);
    checks.evidence('evidence', request.evidence);
    const cause = request.cause === 0 ? 'MANUAL' : checks.enumValue('cause', banCauses, request.cause);
    const reviewerCause = REVIEWER_CAUSES.find((c) => c === cause);
    if (cause !== undefined && reviewerCause === undefined) {
      checks.add('cause', `must be ${REVIEWER_CAUSES.join(' or ')}; ${cause} bans come from their own flow`, 'NOT_ALLOWED');
    }
    checks.throwIfAny();
    return mutate(kit, call, 'BanProduct', { request: BanProductRequest, response: BanProductResponse }, request, async (tx) => {
      const { ban, related } = await banProductManually(tx, kit.deps, {
        requestId: request.requestId,
        productId: request.productId,
        cause: checked(reviewerCause),
        actorId: request.actorId,
        message: request.message,
        evidence: request.evidence,
        includeSameSku: request.includeSameSku,
      });
      return { ban: toProtoBan(ban), relatedBans: related.map(toProtoBan) };
    });
  },

  async unbanProduct(request: UnbanProductRequest, call: Call): Promise<UnbanProductResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('product_id', request.productId);
    checks.id('actor_id', request.actorId);
    checks.text('message', request.message);
    checks.throwIfAny();
    return mutate(kit, call, 'UnbanProduct', { request: UnbanProductRequest, response: UnbanProductResponse }, request, async (tx) => ({
      ban: toProtoBan(await unbanProduct(tx, kit.deps, request)),
    }));
  },

  async listBans(request: ListBansRequest, call: Call): Promise<ListBansResponse> {
    const checks = new RequestChecks();
    const pageSize = checks.pageSize('page_size', request.pageSize);
    const before = timeKeyToken(checks, 'page_token', request.pageToken);
    checks.optionalId('merchant_id', request.merchantId);
    checks.optionalId('product_id', request.productId);
    const status = checks.optionalEnum('status', banStatuses, request.status);
    const cause = checks.optionalEnum('cause', banCauses, request.cause);
    checks.throwIfAny();
    const page = await read(kit, call, (tx) => listBans(tx, { pageSize, before, merchantId: request.merchantId, productId: request.productId, status, cause }));
    return { bans: page.items.map((row) => toProtoBan(banFromRow(row))), nextPageToken: page.nextPageToken };
  },

  async fileBanAppeal(request: FileBanAppealRequest, call: Call): Promise<FileBanAppealResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('ban_id', request.banId);
    checks.id('merchant_id', request.merchantId);
    checks.text('statement', request.statement, BAN_POLICY.limits.statementMaxChars);
    checks.refs('evidence_refs', request.evidenceRefs, BAN_POLICY.limits.maxEvidenceRefs);
    checks.throwIfAny();
    return mutate(kit, call, 'FileBanAppeal', { request: FileBanAppealRequest, response: FileBanAppealResponse }, request, async (tx) => {
      const { ban, appeal } = await fileAppeal(tx, kit.deps, request);
      return { appeal: toProtoBanAppeal(appeal), ban: toProtoBan(ban) };
    });
  },

  async decideBanAppeal(request: DecideBanAppealRequest, call: Call): Promise<DecideBanAppealResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('appeal_id', request.appealId);
    const outcome = checks.enumValue('outcome', appealOutcomes, request.outcome);
    checks.id('reviewer_id', request.reviewerId);
    checks.optionalText('note', request.note);
    checks.throwIfAny();
    return mutate(kit, call, 'DecideBanAppeal', { request: DecideBanAppealRequest, response: DecideBanAppealResponse }, request, async (tx) => {
      const { ban, appeal } = await decideAppeal(tx, kit.deps, {
        requestId: request.requestId,
        appealId: request.appealId,
        outcome: checked(outcome),
        reviewerId: request.reviewerId,
        note: request.note,
      });
      return { appeal: toProtoBanAppeal(appeal), ban: toProtoBan(ban) };
    });
  },

  async getBanAppeal(request: GetBanAppealRequest, call: Call): Promise<GetBanAppealResponse> {
    const checks = new RequestChecks();
    checks.id('appeal_id', request.appealId);
    checks.throwIfAny();
    return { appeal: toProtoBanAppeal(banAppealFromRow(await read(kit, call, (tx) => getBanAppeal(tx, request.appealId)))) };
  },
});
