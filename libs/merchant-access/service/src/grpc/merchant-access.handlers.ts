import type { MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import type { GrpcServiceImplementation } from '@govern/platform-grpc';
import type { MerchantAccessDeps } from '../deps';
import { merchantHandlers } from './merchants.handlers';
import { onboardingHandlers } from './onboarding.handlers';
import { reviewCaseHandlers } from './review-cases.handlers';
import { violationHandlers } from './violations.handlers';

/**
 * The gRPC surface, by area. Each handler checks its request with the platform's RequestChecks
 * (every violation at once, the same reasons as the other services), maps it to a domain command
 * and hands it to a use case: mutations run in a unit of work keyed by request_id (`calls.ts`),
 * reads answer from the database directly. Use cases throw DomainError/ValidationError, which the
 * platform maps to gRPC statuses.
 */
export const createMerchantAccessHandlers = (deps: MerchantAccessDeps): GrpcServiceImplementation<typeof MerchantAccessServiceDefinition> => ({
  ...onboardingHandlers(deps),
  ...reviewCaseHandlers(deps),
  ...merchantHandlers(deps),
  ...violationHandlers(deps),
});
