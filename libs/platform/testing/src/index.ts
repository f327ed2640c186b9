export * from './test-infra';
export * from './nats-namespace';
