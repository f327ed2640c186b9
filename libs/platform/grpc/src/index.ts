export type { GrpcCallContext, GrpcCallContextExt } from './call-context';
export { currentCall, withCallScope, type CallScope } from './call-scope';
export { mergeDescriptorSets, type DescribedFile, type MergedDescriptorSet } from './descriptor-set';
export { abortedByShutdown, toServerError, type ErrorMappingContext } from './error-mapper';
export {
  createGrpcServer,
  DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
  DEFAULT_SHUTDOWN_GRACE_MS,
  type Closer,
  type GrpcServer,
  type GrpcServerOptions,
  type GrpcServiceImplementation,
} from './grpc-server';
export type { GrpcHealth, ServingStatus } from './health';
export { runUntilSignal, type RunUntilSignalOptions } from './run-until-signal';
export {
  closeServiceClient,
  createServiceClient,
  errorDetailsOf,
  readErrorDetails,
  type GrpcErrorDetails,
  type PreconditionViolation,
  type ServiceCallOptions,
  type ServiceClient,
  type ServiceClientOptions,
} from './service-client';
export { describeServerViaReflection, type ReflectedService } from './reflection-client';
export { DEFAULT_ANSWER_LIMITS, type AnswerLimits } from './bounded-answer';
export { quote, toHeaderValue, truncate, isWellFormed, QUOTE_MAX_CHARS } from './bounded-text';
export { createEdgeGuard, edgeGuardMiddleware, rejectionOf, RejectedRequest, REQUEST_INVALID, REQUEST_MALFORMED, type EdgeGuard } from './edge-guard/edge-guard';
export { DEFAULT_EDGE_GUARD_SETTINGS, type EdgeGuardSettings, type FieldLimits } from './edge-guard/settings';
export { INVALID, isInvalid, type Checked, type Invalid, type Valid } from './request-kit/checked';
export { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './request-kit/limits';
export {
  keysetPage,
  PAGE_TOKEN_MAX_CHARS,
  pageTokenCodec,
  sequencePageToken,
  timeIdPageToken,
  type KeyPart,
  type KeysetPage,
  type PageKey,
  type PageTokenCodec,
} from './request-kit/page-token';
export { protoEnum, type EnumCodec, type EnumDecoder, type EnumName } from './request-kit/proto-enum';
export { invalidField, RequestChecks, type EnumLike, type EnumOptions, type ListOptions, type TextOptions, type TimeOptions } from './request-kit/request-checks';
export {
  INT64_MAX,
  INT64_MIN,
  isStorableTime,
  MAX_STORABLE_TIME_MS,
  MIN_STORABLE_TIME_MS,
  STORABLE_RANGE_TEXT,
  timestampProblem,
} from './request-kit/storable-time';
export { REASON, type ViolationReason } from '@govern/policy-core';
