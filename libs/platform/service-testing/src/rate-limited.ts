import { readErrorDetails } from '@govern/platform-grpc';

/**
 * A call to a rate-limited RPC (ReplayDecisions, RunBacktest: 6 a minute per caller, bursts of
 * 2), repeated after RESOURCE_EXHAUSTED as an operator's tool would: one refill (10 s) at a time,
 * a few times at most. Tests that make more heavy calls than the burst use it.
 */
export const waitingOutRateLimit = async <T>(call: () => Promise<T>, options: { refillMs?: number; attempts?: number } = {}): Promise<T> => {
  const attempts = options.attempts ?? 6;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || readErrorDetails(error)?.codeName !== 'RESOURCE_EXHAUSTED') throw error;
      await new Promise((resolve) => setTimeout(resolve, options.refillMs ?? 10_500));
    }
  }
};
