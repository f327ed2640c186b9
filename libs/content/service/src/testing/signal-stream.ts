import { LivestreamActionKind, type ContentServiceDefinition, type LivestreamAction } from '@govern/contracts-content';
import type { ServiceClient } from '@govern/platform-grpc';

type RequestMessage = Parameters<ServiceClient<typeof ContentServiceDefinition>['streamLivestreamSignals']>[0] extends AsyncIterable<infer R> ? R : never;

/** The action levels by their short names, as the livestream specs read them. */
export const { NONE, WARN_HOST, LIMIT_TRAFFIC, INTERRUPT } = {
  NONE: LivestreamActionKind.LIVESTREAM_ACTION_KIND_NONE,
  WARN_HOST: LivestreamActionKind.LIVESTREAM_ACTION_KIND_WARN_HOST,
  LIMIT_TRAFFIC: LivestreamActionKind.LIVESTREAM_ACTION_KIND_LIMIT_TRAFFIC,
  INTERRUPT: LivestreamActionKind.LIVESTREAM_ACTION_KIND_INTERRUPT,
};

/** A one-second transcript segment the host says, as signal `sequence` of the livestream. */
export const say = (livestreamId: string, sequence: number, text: string) => ({ signal: { livestreamId, clientSequence: BigInt(sequence), transcriptSegment: { text, startOffsetMs: 0n, endOffsetMs: 1_000n } } });

/** A client side of StreamLivestreamSignals that tests and the benchmark drive message by message. */
export interface SignalStream {
  send(request: RequestMessage): void;
  /** The next action the server answered. */
  next(): Promise<LivestreamAction>;
  /** Ends the client side; the server answers what it has and ends its side. */
  finish(): void;
  close(): Promise<void>;
}

class Pushable<T> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;

  push(value: T): void {
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ value, done: false });
    } else this.buffered.push(value);
  }

  end(): void {
    this.ended = true;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const value = this.buffered.shift();
        if (value !== undefined) return Promise.resolve({ value, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
    };
  }
}

export const openSignalStream = (client: ServiceClient<typeof ContentServiceDefinition>, options: { deadlineMs?: number } = {}): SignalStream => {
  const requests = new Pushable<RequestMessage>();
  const call = client.streamLivestreamSignals(requests, options.deadlineMs === undefined ? {} : { deadline: new Date(Date.now() + options.deadlineMs) });
  const responses = call[Symbol.asyncIterator]();
  return {
    send: (request) => requests.push(request),
    async next() {
      const result = await responses.next();
      if (result.done || !result.value.action) throw new Error('the signal stream ended');
      return result.value.action;
    },
    finish: () => requests.end(),
    async close() {
      requests.end();
      for (let r = await responses.next(); !r.done; r = await responses.next());
    },
  };
};

