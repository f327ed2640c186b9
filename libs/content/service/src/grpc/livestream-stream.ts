import type { StreamLivestreamSignalsRequest, StreamLivestreamSignalsResponse } from '@govern/contracts-content';
import type { GrpcCallContext } from '@govern/platform-grpc';
import type { LivestreamSessions } from '../live/livestream-sessions';

/**
 * The bidirectional signal stream: one action per signal, in the order the signals came. A bad
 * message is answered with an action carrying the error, and the stream goes on. On shutdown the
 * stream ends (the client reconnects to another replica, which resumes from the snapshot).
 */
export async function* streamLivestreamSignals(
  sessions: LivestreamSessions,
  requests: AsyncIterable<StreamLivestreamSignalsRequest>,
  context: GrpcCallContext,
): AsyncGenerator<StreamLivestreamSignalsResponse> {
  context.abortOnTerminate();
  for await (const request of requests) {
    yield { action: await sessions.handle(request, context.requestId) };
  }
}
