import type { StreamLivestreamSignalsRequest, StreamLivestreamSignalsResponse } from '@govern/contracts-content';
import type { GrpcCallContext } from '@govern/platform-grpc';
import type { LivestreamSessions } from '../live/livestream-sessions';

/**
 * The bidirectional signal stream: one action per signal, in the order the signals came. A bad
 * message is answered with an action carrying the error, and the stream goes on. On shutdown the
 * stream ends (the client reconnects to another replica, which resumes from the snapshot). The
 * livestreams a stream names are held in this replica's memory while it is open, and written out
 * and forgotten when it ends (LivestreamSessions: replicas).
 */
export async function* streamLivestreamSignals(
  sessions: LivestreamSessions,
  requests: AsyncIterable<StreamLivestreamSignalsRequest>,
  context: GrpcCallContext,
): AsyncGenerator<StreamLivestreamSignalsResponse> {
  context.abortOnTerminate();
  const held = new Set<string>();
  try {
    for await (const request of requests) {
      const livestreamId = request.signal?.livestreamId ?? '';
      if (livestreamId && !held.has(livestreamId)) {
        held.add(livestreamId);
        await sessions.acquire(livestreamId);
      }
      yield { action: await sessions.handle(request, context.requestId) };
    }
  } finally {
    for (const livestreamId of held) await sessions.release(livestreamId);
  }
}
