import { BadRequest, ErrorInfo, PreconditionFailure, RequestInfo, RetryInfo, Status as RpcStatus } from '@govern/contracts-common';
import { ServerError, type Status } from 'nice-grpc-common';
import * as errorDetails from 'nice-grpc-error-details';
import { Any, RichServerError, type ErrorDetails } from 'nice-grpc-error-details';
import { truncate } from './bounded-text';

/**
 * Every error answer leaves through here, bounded piece by piece and as a whole. An answer's
 * trailers (grpc-message, grpc-status-details-bin) travel in one HTTP/2 header block: one too
 * large for the peer is never delivered, and the connection's header compression state is lost
 * with it, so every other call on that connection hangs until its deadline (issue 11: a
 * 40,000-character id echoed in a validation message did exactly that). The budget below is the
 * smallest limit common clients enforce (gRPC core's default max metadata size is 8 KiB).
 */
export interface AnswerLimits {
  readonly messageMaxChars: number;
  readonly fieldMaxChars: number;
  readonly descriptionMaxChars: number;
  readonly reasonMaxChars: number;
  readonly maxFieldViolations: number;
  readonly metadataMaxEntries: number;
  readonly metadataKeyMaxChars: number;
  readonly metadataValueMaxChars: number;
  /** Upper bound of every trailer an error answer carries, as sent (percent-encoded, base64). */
  readonly maxTrailerBytes: number;
}

export const DEFAULT_ANSWER_LIMITS: AnswerLimits = {
  messageMaxChars: 200,
  fieldMaxChars: 128,
  descriptionMaxChars: 160,
  reasonMaxChars: 64,
  maxFieldViolations: 20,
  metadataMaxEntries: 16,
  metadataKeyMaxChars: 64,
  metadataValueMaxChars: 128,
  maxTrailerBytes: 8 * 1024,
};

/** Header names, grpc-status and HPACK framing around the two large trailers. */
const TRAILER_OVERHEAD_BYTES = 256;

export interface FieldViolationOut {
  field: string;
  description: string;
  reason: string;
}

/** An error answer before encoding: the mapper fills it, `encodeAnswer` bounds and packs it. */
export interface Answer {
  code: Status;
  message: string;
  /** ErrorInfo.reason (a stable code). */
  reason: string;
  domain: string;
  metadata: Readonly<Record<string, string>>;
  fieldViolations?: readonly FieldViolationOut[];
  precondition?: { type: string; subject: string; description: string };
  /** google.rpc.RetryInfo: the caller may send the same request again after this long. */
  retryAfterMs?: number;
  requestId: string;
}

const pack = (typeName: string, value: Uint8Array): Any => Any.fromPartial({ typeUrl: `type.googleapis.com/${typeName}`, value });

const boundMetadata = (metadata: Readonly<Record<string, string>>, limits: AnswerLimits): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata).slice(0, limits.metadataMaxEntries)) {
    out[truncate(key, limits.metadataKeyMaxChars)] = truncate(String(value), limits.metadataValueMaxChars);
  }
  return out;
};

const bound = (answer: Answer, limits: AnswerLimits): Answer => {
  const violations = answer.fieldViolations?.slice(0, limits.maxFieldViolations).map((v) => ({
    field: truncate(v.field, limits.fieldMaxChars),
    description: truncate(v.description, limits.descriptionMaxChars),
    reason: truncate(v.reason, limits.reasonMaxChars),
  }));
  const omitted = (answer.fieldViolations?.length ?? 0) - (violations?.length ?? 0);
  if (violations && omitted > 0) violations.push({ field: '', description: `and ${omitted} more violation(s) not listed`, reason: 'TRUNCATED' });
  return {
    ...answer,
    message: truncate(answer.message, limits.messageMaxChars),
    reason: truncate(answer.reason, limits.reasonMaxChars),
    domain: truncate(answer.domain, limits.reasonMaxChars),
    metadata: boundMetadata(answer.metadata, limits),
    ...(violations ? { fieldViolations: violations } : {}),
    ...(answer.precondition
      ? {
          precondition: {
            type: truncate(answer.precondition.type, limits.reasonMaxChars),
            subject: truncate(answer.precondition.subject, limits.metadataValueMaxChars),
            description: truncate(answer.precondition.description, limits.descriptionMaxChars),
          },
        }
      : {}),
    requestId: truncate(answer.requestId, limits.metadataValueMaxChars),
  };
};

const detailsOf = (answer: Answer): Any[] => {
  const details = [pack('google.rpc.ErrorInfo', ErrorInfo.encode({ reason: answer.reason, domain: answer.domain, metadata: { ...answer.metadata } }).finish())];
  if (answer.fieldViolations) {
    details.push(pack('google.rpc.BadRequest', BadRequest.encode({ fieldViolations: answer.fieldViolations.map((v) => ({ ...v })) }).finish()));
  }
  if (answer.precondition) {
    details.push(pack('google.rpc.PreconditionFailure', PreconditionFailure.encode({ violations: [answer.precondition] }).finish()));
  }
  if (answer.retryAfterMs !== undefined) {
    const ms = Math.max(0, Math.ceil(answer.retryAfterMs));
    details.push(pack('google.rpc.RetryInfo', RetryInfo.encode({ retryDelay: { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 } }).finish()));
  }
  details.push(pack('google.rpc.RequestInfo', RequestInfo.encode({ requestId: answer.requestId, servingData: '' }).finish()));
  return details;
};

/** grpc-js percent-encodes grpc-message: every byte outside printable ASCII (and '%') takes three. */
const percentEncodedLength = (message: string): number => {
  let length = 0;
  for (const byte of Buffer.from(message, 'utf8')) length += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? 1 : 3;
  return length;
};

interface DetailCodec {
  $type: string;
  encode(message: never): { finish(): Uint8Array };
}

/** nice-grpc-error-details' message codecs by `$type`, to size the typed details a handler may attach. */
const detailCodecs = new Map<string, DetailCodec>(
  (Object.values(errorDetails) as unknown[])
    .filter((value): value is DetailCodec => typeof value === 'object' && value !== null && '$type' in value && 'encode' in value)
    .map((codec) => [codec.$type, codec]),
);

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

const asAny = (detail: ErrorDetails): { typeUrl: string; value: Buffer } => {
  if (detail.$type === Any.$type) return { typeUrl: (detail as Any).typeUrl, value: asBuffer((detail as Any).value) };
  const codec = detailCodecs.get(detail.$type);
  return { typeUrl: `type.googleapis.com/${detail.$type}`, value: asBuffer(codec ? codec.encode(detail as never).finish() : new Uint8Array()) };
};

/** The size of the trailers this answer is sent with. */
export const trailerBytes = (code: Status, message: string, details: readonly ErrorDetails[]): number => {
  const status = RpcStatus.encode({ code, message, details: details.map(asAny) }).finish();
  return TRAILER_OVERHEAD_BYTES + percentEncodedLength(message) + Math.ceil(status.length / 3) * 4;
};

/**
 * The answer as a RichServerError whose trailers fit `limits.maxTrailerBytes`: each piece is
 * cut to its limit; if the whole is still too large, ErrorInfo metadata is dropped, then field
 * violations from the end (a note says how many), then the message is cut further.
 */
export const encodeAnswer = (answer: Answer, limits: AnswerLimits = DEFAULT_ANSWER_LIMITS): { code: Status; message: string; details: Any[] } => {
  let current = bound(answer, limits);
  let details = detailsOf(current);
  const fits = (): boolean => trailerBytes(current.code, current.message, details) <= limits.maxTrailerBytes;
  // Field violations tell the client what to fix: metadata goes first.
  if (!fits()) {
    current = { ...current, metadata: {} };
    details = detailsOf(current);
  }
  const all = answer.fieldViolations ?? [];
  let keep = Math.min(all.length, limits.maxFieldViolations);
  while (!fits() && keep > 1) {
    keep = Math.floor(keep / 2);
    const kept = bound({ ...answer, metadata: {}, fieldViolations: all.slice(0, keep) }, limits);
    current = { ...kept, fieldViolations: [...(kept.fieldViolations ?? []), { field: '', description: `and ${all.length - keep} more violation(s) not listed`, reason: 'TRUNCATED' }] };
    details = detailsOf(current);
  }
  if (!fits()) {
    current = { ...current, message: truncate(current.message, 64), fieldViolations: current.fieldViolations?.slice(0, 1), precondition: undefined };
    details = detailsOf(current);
  }
  return { code: current.code, message: current.message, details };
};

/**
 * A RichServerError (or plain ServerError) a handler built itself: its message is cut, and its
 * details are kept only if the whole still fits the budget.
 */
export const boundServerError = (error: ServerError, limits: AnswerLimits = DEFAULT_ANSWER_LIMITS): ServerError => {
  const extra = error instanceof RichServerError ? error.extra : [];
  const cut = truncate(error.details, limits.messageMaxChars);
  // A detail the encoder does not know would make nice-grpc-error-details throw, and the call end UNKNOWN.
  const encodable = extra.every((detail) => detail.$type === Any.$type || detailCodecs.has(detail.$type));
  const fits = encodable && trailerBytes(error.code, cut, extra) <= limits.maxTrailerBytes;
  if (cut === error.details && fits) return error;
  return extra.length > 0 && fits ? new RichServerError(error.code, cut, extra) : new ServerError(error.code, cut);
};
