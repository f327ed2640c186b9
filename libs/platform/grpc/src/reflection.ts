import type { ServiceImplementation } from 'nice-grpc';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import type { GrpcCallContextExt } from './call-context';

type ReflectionDefinition = typeof ServerReflectionService;

/**
 * nice-grpc-server-reflection serves `grpc.reflection.v1`; older tools (grpcurl before
 * 1.9, Postman, grpc_cli) only speak `v1alpha`, whose messages are identical on the wire.
 * The same implementation is registered under both names.
 */
export const ServerReflectionV1AlphaService = {
  serverReflectionInfo: {
    ...ServerReflectionService.serverReflectionInfo,
    path: '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo' as const,
  },
};

/** Ends the iteration of `source` as soon as `signal` aborts (with an AbortError). */
async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new DOMException('The stream was ended by the server', 'AbortError'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    while (true) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    void iterator.return?.();
  }
}

/** Reflection over `protoset` for `serviceNames`; its streams end when the server shuts down. */
export const createReflectionImplementation = (
  protoset: Uint8Array,
  serviceNames: readonly string[],
): ServiceImplementation<ReflectionDefinition, GrpcCallContextExt> => {
  const reflection = ServerReflection(protoset, serviceNames);
  return {
    serverReflectionInfo(requests, context) {
      context.abortOnTerminate();
      return reflection.serverReflectionInfo(untilAborted(requests, context.signal), context);
    },
  };
};
