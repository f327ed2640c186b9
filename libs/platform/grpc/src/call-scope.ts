import { AsyncLocalStorage } from 'node:async_hooks';
import { describeCaller, type AuditResource, type Caller, type PolicyTable } from '@govern/platform-auth';
import type { CallContext, ServerMiddleware } from 'nice-grpc-common';
import { NOTE_CALLER, type CallerNote } from './server-middleware';

/**
 * The call a piece of code runs for: its RPC, request id and authenticated caller. Handlers
 * get it in their context; code below them that the call context does not reach (the runtime's
 * unit of work writing the audit record and the events' actor) reads it from here, so no
 * service has to thread the caller through its use cases.
 */
export interface CallScope {
  /** `govern.merchant_access.v1.MerchantAccessService/RecordViolation` (no leading slash). */
  rpc: string;
  requestId: string;
  caller: Caller;
  /** The audit resource the RPC's authorization rule declares (mutations do): what its audit record is about. */
  resource?: AuditResource<unknown, unknown> | undefined;
}

const storage = new AsyncLocalStorage<CallScope>();

/** The gRPC call the current code runs for, if any (undefined in consumers and timers). */
export const currentCall = (): CallScope | undefined => storage.getStore();

/** Runs `work` as if inside a call: for tests and for tools that act for a caller without gRPC. */
export const withCallScope = <T>(scope: CallScope, work: () => T): T => storage.run(scope, work);

const SCOPE = Symbol('govern call scope');
type ScopedContext = CallContext & { [SCOPE]?: CallScope };

interface ScopeSource {
  caller: Caller;
  requestId?: string;
  [NOTE_CALLER]?: CallerNote;
}

/**
 * Sits right after the identity middleware: tells the call log who called (refused calls
 * included) and puts the call's scope on the context (with the audit resource its rule in
 * `policies` declares); handlers enter it (see `runInCallScope`).
 */
export const callScopeMiddleware = (policies?: Pick<PolicyTable, 'ruleOf'>): ServerMiddleware<{ [SCOPE]: CallScope }, ScopeSource> =>
  async function* callScope(call, context) {
    context[NOTE_CALLER]?.(describeCaller(context.caller));
    const rule = policies?.ruleOf(call.method.path);
    const resource = rule && !rule.public ? (rule.resource as AuditResource<unknown, unknown> | undefined) : undefined;
    const scope: CallScope = { rpc: call.method.path.slice(1), requestId: context.requestId ?? '', caller: context.caller, ...(resource ? { resource } : {}) };
    return yield* call.next(call.request, { ...context, [SCOPE]: scope });
  };

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';

/**
 * Wraps a handler so that it runs inside its call's scope. A middleware cannot do it: nice-grpc
 * resumes middleware generators from its own async context, so a store entered there does not
 * reliably reach the handler's promises. A streaming handler's every step runs inside it.
 */
export const runInCallScope =
  (handler: (request: unknown, context: ScopedContext) => unknown) =>
  (request: unknown, context: ScopedContext): unknown => {
    const scope = context[SCOPE];
    if (!scope) return handler(request, context);
    const result = storage.run(scope, () => handler(request, context));
    if (!isAsyncIterable(result) || result instanceof Promise) return result;
    const iterator = result[Symbol.asyncIterator]();
    return (async function* scoped() {
      let finished = false;
      try {
        for (;;) {
          const step = await storage.run(scope, () => iterator.next());
          if (step.done) {
            finished = true;
            return step.value;
          }
          yield step.value;
        }
      } finally {
        // The client went away or the server ended the call: let the handler clean up.
        if (!finished) await storage.run(scope, async () => iterator.return?.());
      }
    })();
  };
