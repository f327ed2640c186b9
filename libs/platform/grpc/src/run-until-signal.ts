import type { Logger } from 'pino';

export interface RunUntilSignalOptions {
  signals?: readonly NodeJS.Signals[];
  /** Injected for tests; `process.exit` otherwise. */
  exit?: (code: number) => void;
}

/**
 * Keeps a gRPC app running until SIGTERM/SIGINT, then shuts the server down once and
 * exits 0 (1 if shutdown failed). A second signal while shutting down exits 1 at once.
 * Returns a function that removes the handlers.
 */
export const runUntilSignal = (server: { shutdown(): Promise<void> }, log: Logger, options: RunUntilSignalOptions = {}): (() => void) => {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      log.warn({ signal }, 'second signal while shutting down: exiting now');
      exit(1);
      return;
    }
    shuttingDown = true;
    log.info({ signal }, 'signal received: shutting down');
    server.shutdown().then(
      () => {
        log.info('exiting 0');
        exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed: exiting 1');
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
};
