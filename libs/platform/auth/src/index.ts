// Transport security
export {
  checkTlsMaterial,
  loadTransportSecurity,
  readPemSetting,
  transportSecuritySettings,
  type CertificateSummary,
  type TlsMaterial,
  type TransportSecurity,
  type TransportSecuritySettings,
} from './tls/tls-material';
export {
  channelOptionsFor,
  clientTransportOf,
  createChannelCredentials,
  createServerCredentials,
  type ClientTransport,
  type ClientTransportOptions,
} from './tls/grpc-credentials';

// Development PKI and token issuer
export { devServiceSecuritySettings, ensureDevPki, type DevPki, type DevPkiOptions, type IssuedIdentity } from './dev/dev-pki';
export { DEV_CLI_CLIENT_ID, DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER, ensureDevSigningKey, issueDevToken, type DevTokenRequest } from './dev/dev-tokens';

// Caller identity
export { AUTH_REASONS, AuthError, type AuthErrorStatus, type AuthReason } from './identity/auth-error';
export { ANONYMOUS, describeCaller, type Caller, type CallerContextExt, type CallerKind } from './identity/caller';
export {
  metadataInterceptor,
  PEER_METADATA_KEY,
  peerIdentityInterceptor,
  peerIdentityStep,
  takePeerIdentity,
  type MetadataStep,
  type PeerIdentity,
} from './identity/peer-identity';
export { DEFAULT_TRUST_DOMAIN, isWorkloadName, parseSubjectAltNames, spiffeIdOf, workloadOfCertificate, workloadOfSpiffeId } from './identity/spiffe';
export { callerTokenSettings, tokenVerifierFromSettings, type CallerTokenSettings } from './identity/token-settings';
export { createTokenVerifier, type JwksSource, type TokenVerifier, type TokenVerifierOptions } from './identity/token-verifier';
export { AuthServerError, toAuthServerError } from './grpc/auth-server-error';
export { callerIdentityMiddleware, type CallerIdentityOptions } from './grpc/caller-identity.middleware';
export { bearer, bearerTokenClientMiddleware, devTokenProvider, devTokenProviderByPolicy, type TokenProvider } from './grpc/bearer-token.client-middleware';

// Authorization
export { decide, definePolicy, OPEN_SERVICES, PolicyTable, type AuditResource, type AuthorizationPolicy, type RpcRule, type RuleDecision, type ServicePolicy } from './authorization/policy';
export { checkPolicyCoverage, mutationsWithoutResource, protectedRpcs, type PolicyCoverage } from './authorization/policy-coverage';
export { createRateLimiter, type RateLimit, type RateLimiter } from './authorization/rate-limiter';
export { SERVICE_POLICIES } from './authorization/service-policies';
export { GOVERN_ROLES, GOVERN_SERVICES, PLATFORM_CALLERS, type GovernRole } from '@govern/contracts-common';
export { authorizationMiddleware, type AuthorizationOptions, type Denial } from './grpc/authorization.middleware';

// Audit trail
export { actorOf, AUDIT_RECORDS_MIGRATION_FILE, AUDIT_RECORDS_OF_RESOURCE_SQL, auditRecordInsert, serviceActor, type AuditRecord } from './audit/audit-record';

// Events and NATS
export { checkEventOrigin, producerOfEventType, producerOfSubject, type EventOrigin, type OriginCheck } from './events/event-origin';
export {
  dlqSubjectOf,
  DLQ_STREAM_NAME,
  GOVERN_EVENT_TOPOLOGY,
  natsInboxPrefix,
  nkeyVariableOf,
  OPS_USER,
  opsPermissions,
  permissionsOf,
  streamNameOf,
  type ConsumedStream,
  type NatsPermissions,
  type ServiceTopology,
} from './nats/event-topology';
export { natsConnectionAuth, natsCredentialSettings, type NatsConnectionAuth, type NatsCredentialSettings } from './nats/nats-credentials';
export { renderNatsServerConfig, type NatsConfigOptions } from './nats/server-config';
