export * from './test-infra';
export * from './nats';
export * from './local-servers';
export * from './identities';
export * from './poll';
export * from './service-process';
export * from './nats-cluster';
export * from './artifact-process';
