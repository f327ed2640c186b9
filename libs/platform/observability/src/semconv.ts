/**
 * Span attribute names. The RPC and messaging ones are still "development" in the OTel
 * semantic conventions, so, as @opentelemetry/semantic-conventions asks, they are copied
 * here (from its incubating entry, v1.45.0) rather than imported from an entry point that may
 * rename them in a minor release. The RPC names are the ones trace backends key their service
 * graphs on today (rpc.system, rpc.service, rpc.method, rpc.grpc.status_code).
 */
export const ATTR = {
  RPC_SYSTEM: 'rpc.system',
  RPC_SERVICE: 'rpc.service',
  RPC_METHOD: 'rpc.method',
  RPC_GRPC_STATUS_CODE: 'rpc.grpc.status_code',
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',
  NETWORK_PEER_ADDRESS: 'network.peer.address',
  NETWORK_PEER_PORT: 'network.peer.port',
  ERROR_TYPE: 'error.type',
  MESSAGING_SYSTEM: 'messaging.system',
  MESSAGING_OPERATION_TYPE: 'messaging.operation.type',
  MESSAGING_OPERATION_NAME: 'messaging.operation.name',
  MESSAGING_DESTINATION_NAME: 'messaging.destination.name',
  MESSAGING_CONSUMER_GROUP_NAME: 'messaging.consumer.group.name',
  MESSAGING_MESSAGE_ID: 'messaging.message.id',
  MESSAGING_MESSAGE_BODY_SIZE: 'messaging.message.body.size',
  /** Govern's own: the domain reason of a mapped error (`LISTING.THREE_NO`). */
  GOVERN_ERROR_REASON: 'govern.error.reason',
  GOVERN_CALLER_KIND: 'govern.caller.kind',
  GOVERN_CALLER_SERVICE: 'govern.caller.service',
  GOVERN_EVENT_TYPE: 'govern.event.type',
  GOVERN_EVENT_DELIVERY_COUNT: 'govern.event.delivery_count',
  GOVERN_EVENT_STREAM: 'govern.event.stream',
  GOVERN_JOB_KIND: 'govern.job.kind',
  GOVERN_JOB_KEY: 'govern.job.key',
  GOVERN_JOB_LATENESS_MS: 'govern.job.lateness_ms',
  GOVERN_JOB_ATTEMPT: 'govern.job.attempt',
} as const;

export const RPC_SYSTEM_GRPC = 'grpc';
/** Not one of the conventions' well-known values (none exists for NATS); the conventions allow others. */
export const MESSAGING_SYSTEM_NATS = 'nats';
