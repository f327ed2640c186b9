export { startConsole, type ConsoleOptions, type RunningConsole } from './start-console';
export type { ConsoleServiceAddresses } from './grpc/platform-api';
export { consoleOptionsFromSettings, consoleSettings, type ConsoleSettings } from './settings';
export { DEV_IDENTITIES, type ConsoleAuth, type OidcSettings } from './auth/sign-in';
