export * from '@govern/platform-migrate';
export * from './transaction';
export * from './idempotency';
export * from './pg-errors';
export * from './embedded-postgres';
export * from './prisma-client';
export * from './schema-check';
export * from './jobs';
