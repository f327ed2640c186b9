import type { ProductQualityDatabase, ProductQualityTx } from '@govern/product-quality-data-access';
import { runTransaction } from '@govern/platform-db';
import { type Checked, type GrpcCallContextExt, INVALID, type RequestChecks } from '@govern/platform-grpc';
import type { ProductQualityDeps } from '../deps';
import type { ProductQualityUnits, Work } from '../use-cases/work';

export type Call = GrpcCallContextExt;

/** What every handler works with: the units of work (mutations), the database (reads), the ports. */
export interface HandlerContext {
  units: ProductQualityUnits;
  database: ProductQualityDatabase;
  deps: ProductQualityDeps;
}

interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/**
 * A mutation of this service: `check` runs the request checks and returns the use case's command
 * (for a retry whose checks now refuse, e.g. a time now in the past, the stored answer is returned
 * instead); then one unit of work, idempotent on request_id, with the caller's deadline.
 */
export const mutation = <Req extends { requestId: string }, Res, Command>(
  context: HandlerContext,
  call: Call,
  rpc: string,
  codecs: { request: MessageCodec<Req>; response: MessageCodec<Res> },
  request: Req,
  check: () => Command,
  work: (work: Work, command: Command) => Promise<Res>,
): Promise<Res> =>
  context.units.mutation(
    { scope: `product_quality.${rpc}`, request, requestCodec: codecs.request, responseCodec: codecs.response, deadline: call.deadline, check },
    work,
  );

/** Reads run in a transaction too, so the caller's deadline bounds every statement. */
export const read = <T>(context: HandlerContext, call: Call, work: (tx: ProductQualityTx) => Promise<T>): Promise<T> =>
  runTransaction(context.database, (t) => work(t.tx), { deadline: call.deadline });

/** A domain validator's violations folded into the request's checks: the value, or INVALID when it found any. */
export const validated = <T>(checks: RequestChecks, value: T, validate: (value: T) => void): Checked<T> => {
  const before = checks.items.length;
  checks.absorb(() => validate(value));
  return checks.items.length > before ? INVALID : value;
};

/** A violation the kit has no check for, recorded; INVALID stands in for the value. */
export const refuse = (checks: RequestChecks, field: string, description: string, reason: string): typeof INVALID => {
  checks.add(field, description, reason);
  return INVALID;
};
