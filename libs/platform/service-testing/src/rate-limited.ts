import { readErrorDetails } from '@govern/platform-grpc';

/**
 * A call to a rate-limited RPC (ReplayDecisions, RunBacktest: 6 a minute per caller, bursts of
 * 2), repeated after RESOURCE_EXHAUSTED as an operator's tool would: after the delay its RetryInfo
 * names, a few times at most. Tests that make more heavy calls than the burst use it.
 */
export const waitingOutRateLimit = async <T>(call: () => Promise<T>, options: { attempts?: number } = {}): Promise<T> => {
  const attempts = options.attempts ?? 6;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const details = readErrorDetails(error);
      if (attempt >= attempts || details?.codeName !== 'RESOURCE_EXHAUSTED') throw error;
      // Without RetryInfo, one refill of a 6-a-minute bucket.
      await new Promise((resolve) => setTimeout(resolve, (details.retryDelayMs ?? 10_000) + 100));
    }
  }
};
