import type { PrismaClient, ProductQualityTx } from '@govern/product-quality-data-access';
import { runInTransaction } from '@govern/platform-db';
import type { GrpcCallContextExt } from '@govern/platform-grpc';
import { runMutation } from '@govern/platform-runtime';
import { ValidationError } from '@govern/policy-core';
import { decodePageToken } from '../mapping/page-token';
import type { UseCaseDeps } from '../use-cases/deps';
import type { RequestChecks } from './request-validation';

/** What every handler works with. */
export interface HandlerKit {
  db: PrismaClient;
  deps: UseCaseDeps;
  /** Wakes the outbox relay after a commit that wrote events. */
  eventsWritten(): void;
}

export type Call = GrpcCallContextExt;

interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/**
 * Every mutation: one transaction with the caller's deadline, idempotent by request_id (a
 * repeat returns the first answer), events in the same transaction, the relay woken after.
 */
export const mutate = async <Req extends { requestId: string }, Res>(
  kit: HandlerKit,
  call: Call,
  scope: string,
  codecs: { request: MessageCodec<Req>; response: MessageCodec<Res> },
  request: Req,
  work: (tx: ProductQualityTx) => Promise<Res>,
): Promise<Res> => {
  const response = await runMutation(kit.db, { scope: `product_quality.${scope}`, request, requestCodec: codecs.request, responseCodec: codecs.response, deadline: call.deadline }, work);
  kit.eventsWritten();
  return response;
};

/** Reads run in a transaction too, so the caller's deadline bounds every statement. */
export const read = <T>(kit: HandlerKit, call: Call, work: (tx: ProductQualityTx) => Promise<T>): Promise<T> =>
  runInTransaction(kit.db, work, { deadline: call.deadline });

/** Folds a domain validation into the request's own checks, so one answer lists every violation. */
export const mergeValidation = (checks: RequestChecks, validate: () => void, prefix = ''): void => {
  try {
    validate();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const v of error.violations) checks.add(prefix ? `${prefix}.${v.field}` : v.field, v.description, v.reason);
  }
};

/** A keyset token of (timestamp, id), as the List methods ordered newest first issue them. */
export const timeKeyToken = (checks: RequestChecks, field: string, token: string): [string, string] | undefined => {
  const key = decodePageToken(checks, field, token, 2);
  if (!key) return undefined;
  // Issued tokens carry an ISO time PostgreSQL can store; anything else was not issued here.
  const time = new Date(key[0] as string);
  if (Number.isNaN(time.getTime()) || time.toISOString() !== key[0] || time.getUTCFullYear() < 1970 || time.getUTCFullYear() > 9999) {
    checks.add(field, 'is not a token this service issued', 'INVALID_PAGE_TOKEN');
    return undefined;
  }
  return [key[0] as string, key[1] as string];
};

/** A value the request checks guaranteed (they threw otherwise); narrows the type for the use case. */
export const checked = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('a checked request field is missing');
  return value;
};
