export * from './test-infra';
export * from './nats-namespace';
export * from './local-servers';
