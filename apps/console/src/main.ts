/**
 * The operator console as its team deploys it: settings from the environment (validated once,
 * here), HTTP on HOST:PORT, the four services over gRPC. SIGTERM drains and exits 0.
 */
import { startConsole, consoleOptionsFromSettings, consoleSettings } from '@govern/console-server';
import { ConfigError, createLogger, parseConfig } from '@govern/platform-core';
import { runUntilSignal } from '@govern/platform-grpc';

const main = async (): Promise<void> => {
  const config = parseConfig(consoleSettings, process.env);
  const log = createLogger({ service: 'console', level: config.LOG_LEVEL });
  const running = await startConsole(consoleOptionsFromSettings(config, log));
  console.log(`Govern console: ${running.url}`);
  runUntilSignal({ shutdown: () => running.close() }, log);
};

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`console: ${error.message}`);
    process.exit(2);
  }
  console.error('the console failed to start:', error);
  process.exit(1);
});
