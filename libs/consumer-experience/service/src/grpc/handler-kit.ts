import type { ConsumerExperienceTx, PrismaClient } from '@govern/consumer-experience-data-access';
import { checkAmount, INPUT_POLICY, type InputPolicy } from '@govern/consumer-experience-domain';
import { runTransaction, type DatabaseConnection, type Sql } from '@govern/platform-db';
import {
  DEFAULT_REQUEST_LIMITS,
  INVALID,
  RequestChecks,
  timeIdPageToken,
  type Checked,
  type GrpcCallContextExt,
  type RequestLimits,
  type Valid,
} from '@govern/platform-grpc';
import type { UnitsOfWork } from '@govern/platform-runtime';
import { REASON, ValidationError } from '@govern/policy-core';
import type { ConsumerExperienceDeps } from '../deps';
import type { TimeKey } from '../adapters/lists.queries';
import type { Work } from '../use-cases/work';

/**
 * What every consumer-experience handler works with: request checks (the platform's RequestChecks
 * with this service's limits), mutations in the platform's units of work, reads in a transaction.
 * Handlers check and map; use cases take domain commands and return domain results.
 */
export interface HandlerKit {
  deps: ConsumerExperienceDeps;
  database: DatabaseConnection<PrismaClient>;
  units: UnitsOfWork<ConsumerExperienceTx, Work>;
}

export type Call = GrpcCallContextExt;

/** The platform's request bounds with this service's input policy (text length and clock skew). */
export const CONSUMER_EXPERIENCE_REQUEST_LIMITS: RequestLimits = {
  ...DEFAULT_REQUEST_LIMITS,
  name: 'consumer-experience-request-limits',
  version: '2026-12-05.1',
  textMaxChars: INPUT_POLICY.maxTextLength,
  clockSkewMs: INPUT_POLICY.clockSkewMs,
};

/** Carrier tracking numbers and scan locations: bounds of the carriers' own formats. */
export const MAX_TRACKING_NUMBER = 64;
export const MAX_LOCATION = 256;
/** Evidence references (object-store keys) are longer than ids. */
export const MAX_EVIDENCE_REF = 512;
export const LEDGER_PAGE = { default: 100, max: 1000 };

/**
 * RequestChecks plus what this service's requests need beyond the kit: amounts in fen under the
 * input policy, evidence lists, and domain validators folded in. The platform's `absorb` folds a
 * domain validator too but reports a field twice when the edge already refused it and drops the
 * validator's specific error code (ORDER.PRE_SALE_TOO_LONG); this subclass keeps one violation per
 * field and that code (platform-grpc is not ours to change in this round: reported).
 */
export class ConsumerExperienceChecks extends RequestChecks {
  private domainCode: string | undefined;

  constructor() {
    super(CONSUMER_EXPERIENCE_REQUEST_LIMITS);
  }

  /** A domain validator's violations, after the edge's: the first violation of a field is the one reported. */
  domain<T>(validate: () => T): Checked<T> {
    try {
      return validate();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const reported = new Set(this.items.map((item) => item.field));
      for (const violation of error.violations) if (!reported.has(violation.field)) this.add(violation.field, violation.description, violation.reason);
      this.domainCode ??= error.code;
      return INVALID;
    }
  }

  /** An amount in fen within the input policy (positive unless `allowZero`). */
  amountFen(field: string, value: bigint, options: { allowZero?: boolean; policy?: InputPolicy } = {}): Checked<bigint> {
    return checkAmount(this, field, value, options) ? value : INVALID;
  }

  /** Evidence references: a bounded list of non-empty, bounded keys. */
  evidenceRefs(field: string, refs: readonly string[]): Checked<string[]> {
    return this.idList(field, refs, { maxItems: INPUT_POLICY.maxEvidenceRefs, maxChars: MAX_EVIDENCE_REF });
  }

  override done<const T extends Record<string, unknown>>(values: T, code?: string): Valid<T> {
    return super.done(values, this.domainCode ?? code);
  }
}

/** A page of a newest-first List call: its size (AIP-158) and where it starts (a (time, id) token). */
export const timePage = (checks: RequestChecks, request: { pageSize: number; pageToken: string }): { size: Checked<number>; after: Checked<TimeKey | undefined> } => ({
  size: checks.pageSize(request.pageSize),
  after: checks.pageToken(timeIdPageToken, request.pageToken),
});

/** The filters of a List call by order, buyer or merchant: at least one, each a bounded id ('' is "any"). */
/** An order, buyer or merchant, or (`orStatus`) a status alone: the platform-wide queue of that status, which an index serves. */
export const orderBuyerOrMerchant = (
  checks: RequestChecks,
  request: { orderId: string; buyerId: string; merchantId: string },
  orStatus?: { status: number },
): { orderId: Checked<string | undefined>; buyerId: Checked<string | undefined>; merchantId: Checked<string | undefined> } => {
  const subject = Boolean(request.orderId || request.buyerId || request.merchantId);
  if (orStatus) checks.check(subject || orStatus.status !== 0, 'status', 'one of order_id, buyer_id, merchant_id or status is required', REASON.REQUIRED);
  else checks.check(subject, 'order_id', 'one of order_id, buyer_id or merchant_id is required', REASON.REQUIRED);
  return {
    orderId: checks.optionalId('order_id', request.orderId),
    buyerId: checks.optionalId('buyer_id', request.buyerId),
    merchantId: checks.optionalId('merchant_id', request.merchantId),
  };
};

interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/**
 * A mutation in one unit of work, idempotent by request_id. `check` runs the request's checks and
 * returns the use case's command: when a retry's checks now refuse (a paid_at that has since aged
 * past the clock skew on a replica behind), the answer stored for it is returned instead.
 */
export const mutate = <Req extends { requestId: string }, Res, Command>(
  kit: HandlerKit,
  call: Call,
  rpc: string,
  codecs: { request: MessageCodec<Req>; response: MessageCodec<Res> },
  request: Req,
  check: () => Command,
  run: (work: Work, command: Command) => Promise<Res>,
): Promise<Res> =>
  kit.units.mutation({ scope: `consumer_experience.${rpc}`, request, requestCodec: codecs.request, responseCodec: codecs.response, deadline: call.deadline, check }, run);

/**
 * Reads in a platform transaction too (the caller's deadline bounds them), through Prisma (`tx`) or
 * plain SQL (`db`, the aggregate queries): Prisma joins its
 * pipelined connection, so the relation queries Prisma runs side by side for an `include` are
 * pipelined instead of queued on one connection (node-postgres' "client.query() when the client
 * is already executing a query" deprecation, seen under Prisma's own interactive transactions).
 */
export const read = <R>(kit: HandlerKit, call: Call, run: (tx: ConsumerExperienceTx, db: Sql) => Promise<R>): Promise<R> =>
  runTransaction(kit.database, (t) => run(t.tx, t.sql), { deadline: call.deadline });
