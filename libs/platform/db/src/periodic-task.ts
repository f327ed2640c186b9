/**
 * Upkeep that runs on a timer in each replica: every `intervalMs` after the previous run ended (runs
 * never overlap), until stopped; a failed run is reported and the next one goes ahead. For work that
 * owes nothing when a run is missed, because the next run does it (folding running totals, writing
 * checkpoints); work that must happen once goes through the durable jobs (jobs.ts).
 */
export interface PeriodicTask {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export const startPeriodicTask = (options: { intervalMs: number; run: () => Promise<unknown>; onError: (error: unknown) => void }): PeriodicTask => {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const schedule = (): void => {
    timer = setTimeout(() => {
      // Through a promise, so that a run that throws before its first await is reported like any other failure.
      running = Promise.resolve()
        .then(options.run)
        .catch((error: unknown) => {
          try {
            options.onError(error);
          } catch {
            // The reporter itself failed (a logger whose stream broke): nowhere is left to report it,
            // and a rejection here would be unhandled and end the process over a missed upkeep run.
          }
        })
        .finally(() => {
          running = undefined;
          if (!stopped) schedule();
        });
    }, options.intervalMs);
    // Upkeep does not keep a process alive on its own: the service's server and consumers do.
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};
