import type { CallContext } from 'nice-grpc-common';
import type { Logger } from 'pino';
import type { Caller } from '@govern/platform-auth';

/**
 * What the kit adds to nice-grpc's CallContext for every handler. Type handlers with
 * `XServiceImplementation<GrpcCallContextExt>` (ts-proto) or `GrpcCallContext`.
 */
export interface GrpcCallContextExt {
  /** Child of the server logger bound to `rpc` (full method path) and `request_id`. */
  log: Logger;
  /** The request's `requestId` field, else metadata `x-request-id`, else a generated id. */
  requestId: string;
  /**
   * The caller's absolute deadline (grpc-timeout), if it set one. Pass it on: to database
   * work (statement_timeout) and to downstream clients (`{ deadline: context.deadline }`).
   */
  deadline?: Date;
  /**
   * For long-lived streams (health Watch, reflection): end this call when the server shuts
   * down instead of holding the drain open. Ordinary calls never need it: they are drained.
   */
  abortOnTerminate(): void;
  /**
   * Who is calling, verified (client certificate or bearer token) and already authorized for
   * this RPC by the service's policy table: record it with what the call changes.
   */
  caller: Caller;
}

export type GrpcCallContext = CallContext & GrpcCallContextExt;
