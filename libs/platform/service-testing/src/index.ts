export * from './service-harness';
export * from './test-credentials';
export { useForSuite } from './suite';
export { failureOf } from './failure-of';
export { caseArbitrary, messageInit, type CaseKind, type FuzzCase } from './fuzz/message-cases';
export { createRawGrpcClient, type RawAnswer, type RawGrpcClient } from './fuzz/raw-client';
export {
  casesFor,
  DEFAULT_FUZZ_SEED,
  formatFuzzFailures,
  fuzzRpc,
  fuzzSeedFrom,
  fuzzService,
  unaryRpcsOf,
  type FuzzFailure,
  type FuzzOptions,
  type FuzzProblem,
  type FuzzRpc,
  type RpcFuzzReport,
  type ServiceFuzzTarget,
} from './fuzz/fuzz-runner';
export { createTrustProbe, rpcsOf, type DescribedRpc, type ProbeAnswer, type RpcKind, type TrustProbe } from './trust-probe';
export { describeTrustBoundary } from './trust-boundary';
export { waitingOutRateLimit } from './rate-limited';
export { describePolicyTable } from './policy-table';
