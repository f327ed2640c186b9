export type { GrpcCallContext, GrpcCallContextExt } from './call-context';
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
  readErrorDetails,
  type GrpcErrorDetails,
  type PreconditionViolation,
  type ServiceCallOptions,
  type ServiceClient,
  type ServiceClientOptions,
} from './service-client';
export { describeServerViaReflection, type ReflectedService } from './reflection-client';
